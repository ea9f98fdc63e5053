/*
 * lpvm_fabric_stub.c - the libfabric route without libfabric
 * (PVMX_WITH_FABRIC=OFF, or no libfabric to build with): every call says
 * the route is unavailable, so the library keeps the daemon route.
 */
#include "lpvm_fabric.h"

#ifndef PVMX_HAVE_FABRIC

#include <pvm3.h>
#include <stdio.h>

int lpvm_fabric_open(const struct lpvm_fabric_config *cfg, struct lpvm_fabric **out,
                     char *why, size_t whylen)
{
	(void)cfg;
	*out = NULL;
	snprintf(why, whylen,
	         "built without libfabric (PVMX_WITH_FABRIC=OFF or no "
	         "libfabric development files)");
	return PvmNotImpl;
}

void lpvm_fabric_close(struct lpvm_fabric *fab)
{
	(void)fab;
}

const char *lpvm_fabric_provider(const struct lpvm_fabric *fab)
{
	(void)fab;
	return "none";
}

int lpvm_fabric_landing(const struct lpvm_fabric *fab)
{
	(void)fab;
	return 0;
}

void lpvm_fabric_address(const struct lpvm_fabric *fab, const void **blob, size_t *len)
{
	(void)fab;
	*blob = NULL;
	*len = 0;
}

const char *lpvm_fabric_address_string(const struct lpvm_fabric *fab, const void *blob,
                                       size_t len, char *buf, size_t buflen)
{
	(void)fab;
	(void)blob;
	(void)len;
	snprintf(buf, buflen, "(built without libfabric)");
	return buf;
}

int lpvm_fabric_blob_check(const struct lpvm_fabric *fab, const void *blob, size_t len,
                           char *why, size_t whylen)
{
	(void)fab;
	(void)blob;
	(void)len;
	snprintf(why, whylen, "built without libfabric");
	return PvmNotImpl;
}

int lpvm_fabric_fd(const struct lpvm_fabric *fab)
{
	(void)fab;
	return -1;
}

int lpvm_fabric_wait_prepare(struct lpvm_fabric *fab)
{
	(void)fab;
	return -1;
}

int lpvm_fabric_peer_add(struct lpvm_fabric *fab, int32_t id, const void *blob,
                         size_t len, struct lpvm_fabric_peer **peer, char *why,
                         size_t whylen)
{
	(void)fab;
	(void)id;
	(void)blob;
	(void)len;
	if (peer != NULL)
		*peer = NULL;
	snprintf(why, whylen, "built without libfabric");
	return PvmNotImpl;
}

struct lpvm_fabric_peer *lpvm_fabric_peer_find(struct lpvm_fabric *fab, int32_t id)
{
	(void)fab;
	(void)id;
	return NULL;
}

void lpvm_fabric_peer_fail(struct lpvm_fabric *fab, int32_t id, const char *why)
{
	(void)fab;
	(void)id;
	(void)why;
}

int lpvm_fabric_send_post(struct lpvm_fabric *fab, struct lpvm_fabric_peer *peer,
                          const void *hdr, size_t hdr_len, const struct iovec *iov,
                          int iovcnt, struct lpvm_fabric_send **req)
{
	(void)fab;
	(void)peer;
	(void)hdr;
	(void)hdr_len;
	(void)iov;
	(void)iovcnt;
	*req = NULL;
	return PvmNotImpl;
}

int lpvm_fabric_send_test(struct lpvm_fabric *fab, struct lpvm_fabric_send **req)
{
	(void)fab;
	return *req == NULL ? 1 : PvmNotImpl;
}

int lpvm_fabric_wait(struct lpvm_fabric *fab, struct lpvm_fabric_send **req,
                     int timeout_ms)
{
	(void)timeout_ms;
	return lpvm_fabric_send_test(fab, req);
}

int lpvm_fabric_progress(struct lpvm_fabric *fab, int timeout_ms)
{
	(void)fab;
	(void)timeout_ms;
	return 0;
}

int lpvm_fabric_peer_busy(const struct lpvm_fabric *fab,
                          const struct lpvm_fabric_peer *peer)
{
	(void)fab;
	(void)peer;
	return 0;
}

#endif
