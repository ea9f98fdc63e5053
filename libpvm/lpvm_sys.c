/*
 * lpvm_sys.c - requests about the system rather than messages:
 * pvm_sendsig, pvm_hostsync, pvm_tickle, pvm_getnoresets, the options
 * the daemon must know of (PvmNoReset, PvmSelfOutput*), and the
 * resource manager / hoster / tasker registrations.
 */
#include "lpvm.h"

#include "tid.h"
#include "wire.h"

#include <stdlib.h>
#include <sys/time.h>

int lpvm_status_request(const char *fn, Pvmx__Control *req, int report)
{
	Pvmx__Control *rep = NULL;
	int r = lpvm_ensure(fn);

	if (r < 0)
		return r;
	r = lpvm_request(req, &rep);
	if (r < 0)
		return lpvm_error(fn, r);
	r = rep->body_case == PVMX__CONTROL__BODY_STATUS ? rep->status->code : PvmDSysErr;
	wire_control_free(rep);
	return r < 0 && report ? lpvm_error(fn, r) : r;
}

int lpvm_typed_request(const char *fn, Pvmx__Control *req, int want,
                       Pvmx__Control **reply)
{
	int r = lpvm_ensure(fn);

	if (r < 0)
		return r;
	r = lpvm_request_as(req, want, reply);
	return r < 0 ? lpvm_error(fn, r) : 0;
}

int lpvm_option_changed(int what)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__NoResetRequest nr = PVMX__NO_RESET_REQUEST__INIT;
	Pvmx__SelfOutputRequest so = PVMX__SELF_OUTPUT_REQUEST__INIT;

	switch (what) {
	case PvmNoReset:
		nr.on = lpvm.noreset != 0;
		req.body_case = PVMX__CONTROL__BODY_NORESET;
		req.noreset = &nr;
		return lpvm_status_request("pvm_setopt", &req, 1);
	case PvmSelfOutputTid:
	case PvmSelfOutputCode:
	case PvmSelfOutputContext:
		so.tid = lpvm.self_out_tid;
		so.code = lpvm.self_out_code;
		so.ctx = lpvm.self_out_ctx;
		req.body_case = PVMX__CONTROL__BODY_SELF_OUTPUT;
		req.self_output = &so;
		return lpvm_status_request("pvm_setopt", &req, 1);
	default:
		return PvmOk;
	}
}

int pvm_sendsig(int tid, int sig)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__SigRequest s = PVMX__SIG_REQUEST__INIT;
	int r;

	if (!tid_is_valid(tid) || tid_is_daemon(tid) || sig < 0)
		return lpvm_error("pvm_sendsig", PvmBadParam);
	s.tid = tid;
	s.signal = sig;
	req.body_case = PVMX__CONTROL__BODY_SENDSIG;
	req.sendsig = &s;
	r = lpvm_status_request("pvm_sendsig", &req, 1);
	return r < 0 ? r : PvmOk;
}

static long long usec_of(const struct timeval *tv)
{
	return (long long)tv->tv_sec * 1000000 + tv->tv_usec;
}

/* tv from microseconds, usec normalised to 0..999999 (seconds carry the
 * sign: -1 us is -1 s + 999999 us, as pvm_hostsync's page shows). */
static void tv_of(struct timeval *tv, long long us)
{
	long long s = us / 1000000, u = us % 1000000;

	if (u < 0) {
		u += 1000000;
		s--;
	}
	tv->tv_sec = (time_t)s;
	tv->tv_usec = (suseconds_t)u;
}

/* Samples the daemon's clock between two local samples; delta is the
 * daemon's clock minus the mean of the local ones. */
int pvm_hostsync(int host, struct timeval *clk, struct timeval *delta)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__HostSyncRequest h = PVMX__HOST_SYNC_REQUEST__INIT;
	Pvmx__HostSyncReply *hr;
	struct timeval before, after, remote;
	int r;

	if (!tid_is_valid(host))
		return lpvm_error("pvm_hostsync", PvmBadParam);
	r = lpvm_ensure("pvm_hostsync");
	if (r < 0)
		return r;
	h.host = host;
	req.body_case = PVMX__CONTROL__BODY_HOSTSYNC;
	req.hostsync = &h;
	gettimeofday(&before, NULL);
	r = lpvm_typed_request("pvm_hostsync", &req, PVMX__CONTROL__BODY_HOSTSYNC_REPLY, &rep);
	gettimeofday(&after, NULL);
	if (r < 0)
		return r;
	hr = rep->hostsync_reply;
	r = hr->code;
	if (r == 0) {
		remote.tv_sec = (time_t)hr->sec;
		remote.tv_usec = hr->usec;
	}
	wire_control_free(rep);
	if (r < 0)
		return lpvm_error("pvm_hostsync", r);
	if (clk != NULL)
		*clk = remote;
	if (delta != NULL)
		tv_of(delta, usec_of(&remote) - (usec_of(&before) + usec_of(&after)) / 2);
	return PvmOk;
}

/* pvm_tickle(narg, argp, nresp, resp): argp[0] says what the daemon does
 * (daemon/README.md lists them); results go to resp, their count to
 * *nresp.  resp must have room for one int. */
int pvm_tickle(int narg, int *argp, int *nresp, int *resp)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__TickleRequest t = PVMX__TICKLE_REQUEST__INIT;
	int32_t args[16];
	int r;

	if (narg < 1 || narg > 16 || argp == NULL)
		return lpvm_error("pvm_tickle", PvmBadParam);
	for (int i = 0; i < narg; i++)
		args[i] = argp[i];
	t.args = args;
	t.n_args = (size_t)narg;
	req.body_case = PVMX__CONTROL__BODY_TICKLE;
	req.tickle = &t;
	r = lpvm_typed_request("pvm_tickle", &req, PVMX__CONTROL__BODY_TICKLE_REPLY, &rep);
	if (r < 0)
		return r;
	r = rep->tickle_reply->code;
	if (r == 0) {
		size_t n = rep->tickle_reply->n_results;

		for (size_t i = 0; resp != NULL && i < n; i++)
			resp[i] = rep->tickle_reply->results[i];
		if (nresp != NULL)
			*nresp = (int)n;
	}
	wire_control_free(rep);
	return r < 0 ? lpvm_error("pvm_tickle", r) : PvmOk;
}

/* Storage lives until the next call. */
static int *noreset_tids;

int pvm_getnoresets(int **tids, int *ntids)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__Empty e = PVMX__EMPTY__INIT;
	Pvmx__TidList *tl;
	int r;

	req.body_case = PVMX__CONTROL__BODY_GETNORESETS;
	req.getnoresets = &e;
	r = lpvm_typed_request("pvm_getnoresets", &req, PVMX__CONTROL__BODY_TID_LIST, &rep);
	if (r < 0)
		return r;
	tl = rep->tid_list;
	r = tl->code;
	if (r == 0) {
		int *n = malloc(sizeof(int) * (tl->n_tids ? tl->n_tids : 1));

		if (n == NULL) {
			r = PvmNoMem;
		} else {
			for (size_t i = 0; i < tl->n_tids; i++)
				n[i] = tl->tids[i];
			free(noreset_tids);
			noreset_tids = n;
			if (tids != NULL)
				*tids = n;
			if (ntids != NULL)
				*ntids = (int)tl->n_tids;
		}
	}
	wire_control_free(rep);
	return r < 0 ? lpvm_error("pvm_getnoresets", r) : PvmOk;
}

/* The daemon remembers the role; work it would delegate (spawn, host
 * changes) is still done by the daemons (docs/compat.md). */
static int reg_role(const char *fn, int role)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__RoleRequest rr = PVMX__ROLE_REQUEST__INIT;

	rr.role = role;
	req.body_case = PVMX__CONTROL__BODY_REG_ROLE;
	req.reg_role = &rr;
	return lpvm_status_request(fn, &req, 1);
}

int pvm_reg_rm(struct pvmhostinfo **hip)
{
	struct pvmhostinfo *hosts;
	int r = reg_role("pvm_reg_rm", 1), nhost;

	if (r < 0)
		return r;
	if (hip != NULL) {
		/* the master host, as pvm_config describes it */
		r = pvm_config(&nhost, NULL, &hosts);
		if (r < 0)
			return r;
		*hip = nhost > 0 ? &hosts[0] : NULL;
	}
	return PvmOk;
}

int pvm_reg_hoster(void)
{
	int r = reg_role("pvm_reg_hoster", 2);

	return r < 0 ? r : PvmOk;
}

int pvm_reg_tasker(void)
{
	int r = reg_role("pvm_reg_tasker", 3);

	return r < 0 ? r : PvmOk;
}
