/*
 * lpvm_hosts.c - pvm_addhosts and pvm_delhosts: the names go to the local
 * pvmd in one request (docs/protocol.md), whose reply has one info per
 * name; the return value counts the names that succeeded, as in PVM 3.4.6.
 */
#include "lpvm.h"

#include "tid.h"
#include "wire.h"

/* Sets every infos[i] (when there is an infos) to code. */
static void fill_infos(int *infos, int count, int code)
{
	for (int i = 0; infos != NULL && i < count; i++)
		infos[i] = code;
}

/* One add or delete request.  Returns how many names succeeded (>= 0)
 * with infos[] filled from the reply, or an error code for the whole
 * request, reported, with every infos[i] set to it. */
static int hosts_request(const char *fn, int add, char **names, int count, int *infos)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__HostsRequest hr = PVMX__HOSTS_REQUEST__INIT;
	int r;

	/* as PVM 3.4.6: no more names than a machine can have hosts, and
	 * then infos is left alone */
	if (count < 1 || count > TID_MAX_HOST)
		return lpvm_error(fn, PvmBadParam);
	if (names == NULL)
		r = PvmBadParam;
	else
		r = 0;
	for (int i = 0; r == 0 && i < count; i++) {
		if (names[i] == NULL)
			r = PvmBadParam;
	}
	if (r < 0) {
		fill_infos(infos, count, r);
		return lpvm_error(fn, r);
	}
	r = lpvm_ensure(fn);
	if (r < 0) {
		fill_infos(infos, count, r);
		return r;
	}
	hr.names = names;
	hr.n_names = (size_t)count;
	if (add) {
		req.body_case = PVMX__CONTROL__BODY_ADD_HOSTS;
		req.add_hosts = &hr;
	} else {
		req.body_case = PVMX__CONTROL__BODY_DEL_HOSTS;
		req.del_hosts = &hr;
	}
	r = lpvm_request_as(&req, PVMX__CONTROL__BODY_HOSTS_REPLY, &rep);
	if (r < 0) {
		fill_infos(infos, count, r);
		return lpvm_error(fn, r);
	}
	if (rep->hosts_reply->code < 0) {
		r = rep->hosts_reply->code;
	} else if (rep->hosts_reply->n_infos != (size_t)count) {
		r = PvmDSysErr; /* a daemon that does not answer every name */
	} else {
		/* counted here, as PVM 3.4.6's library counts them */
		r = 0;
		for (int i = 0; i < count; i++) {
			int v = rep->hosts_reply->infos[i];

			if (infos != NULL)
				infos[i] = v;
			if (v >= 0)
				r++;
		}
	}
	wire_control_free(rep);
	if (r < 0) {
		fill_infos(infos, count, r);
		return lpvm_error(fn, r);
	}
	return r;
}

/* Each name is a host file line: "host opt=value ..." (docs/hosts.md).
 * infos[i]: the new host's daemon tid, or why it failed. */
int pvm_addhosts(char **names, int count, int *infos)
{
	return hosts_request("pvm_addhosts", 1, names, count, infos);
}

/* infos[i]: 0 when that host was deleted, or why not. */
int pvm_delhosts(char **names, int count, int *infos)
{
	return hosts_request("pvm_delhosts", 0, names, count, infos);
}
