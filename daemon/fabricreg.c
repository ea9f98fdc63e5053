/*
 * fabricreg.c - what the daemon knows of the libfabric route
 * (docs/routes.md): the address blob each local task published for its
 * endpoint, handed to whoever looks it up (through the daemons: a lookup
 * of a tid of another host is served there), and the address of this host
 * on the daemon links, which a task's endpoint binds to.  The daemon never
 * reads a blob: it is the task's, at most FABRICREG_BLOB_MAX bytes.
 */
#include "pvmd.h"

#include "log.h"
#include "tid.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pvm3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define FABRICREG_BLOB_MAX 512

/* this host's IPv4 address on the daemon links; "" until known */
static char link_addr[INET_ADDRSTRLEN];

void fabricreg_set_link_addr(const char *addr)
{
	struct in_addr a;

	if (link_addr[0] != '\0' || addr == NULL || inet_pton(AF_INET, addr, &a) != 1 ||
	    a.s_addr == htonl(INADDR_ANY))
		return;
	snprintf(link_addr, sizeof(link_addr), "%s", addr);
	log_info("fabric endpoints of this host bind to %s", link_addr);
}

void fabricreg_note_link(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET_ADDRSTRLEN];

	if (link_addr[0] != '\0' || getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
	    ss.ss_family != AF_INET)
		return;
	if (inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host,
	              sizeof(host)) != NULL)
		fabricreg_set_link_addr(host);
}

const char *fabricreg_bind_addr(void)
{
	return hosttab_count() > 1 ? link_addr : "";
}

int fabricreg_publish(struct task *t, const Pvmx__FabricPublish *p)
{
	uint8_t *b = NULL;

	if (p->blob.len > FABRICREG_BLOB_MAX)
		return PvmBadParam;
	if (p->blob.len > 0 && (b = malloc(p->blob.len)) == NULL)
		return PvmNoMem;
	if (b != NULL)
		memcpy(b, p->blob.data, p->blob.len);
	free(t->fabric_blob);
	t->fabric_blob = b;
	t->fabric_len = p->blob.len;
	log_debug("t%x: fabric address of %zu bytes", (unsigned)t->tid, t->fabric_len);
	return PvmOk;
}

void fabricreg_lookup(const struct reply_addr *to, int tid)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__FabricAddr fa = PVMX__FABRIC_ADDR__INIT;
	struct task *t = NULL;

	fa.local_addr = (char *)"";
	if (tid == pvmd.host_tid) {
		fa.local_addr = link_addr;
		fa.code = link_addr[0] != '\0' ? PvmOk : PvmNoEntry;
	} else if (!tid_is_valid(tid) || tid_is_daemon(tid)) {
		fa.code = PvmBadParam;
	} else if ((t = task_find(tid)) == NULL) {
		fa.code = PvmNoTask;
	} else if (t->fabric_blob == NULL) {
		fa.code = PvmNoEntry;
		if (t->conn != NULL && !t->fabric_asked) {
			/* it opens its endpoint on demand: now there is one */
			Pvmx__Control ask = PVMX__CONTROL__INIT;
			Pvmx__Empty e = PVMX__EMPTY__INIT;

			ask.body_case = PVMX__CONTROL__BODY_FABRIC_OPEN;
			ask.fabric_open = &e;
			conn_send_control(t->conn, &ask);
			t->fabric_asked = 1;
		}
	} else {
		fa.blob.data = t->fabric_blob;
		fa.blob.len = t->fabric_len;
	}
	ctl.body_case = PVMX__CONTROL__BODY_FABRIC_ADDR;
	ctl.fabric_addr = &fa;
	reply_control(to, &ctl);
}

void fabricreg_task_gone(struct task *t)
{
	free(t->fabric_blob);
	t->fabric_blob = NULL;
	t->fabric_len = 0;
}
