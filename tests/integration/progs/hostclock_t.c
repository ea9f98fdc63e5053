/*
 * hostclock_t.c - test task for test_hostclock.sh: each host's clock
 * against this task's host, as the daemons keep it (pvmx_hostclock) and
 * as pvm_hostsync measures it.
 * Usage:
 *   hostclock_t table      a line per host of pvm_config:
 *                          "clock NAME TID RC OFFSET_US ERR_US HOSTSYNC_US"
 *                          (spawned: the lines go to its parent instead)
 *   hostclock_t on HOST    runs "table" as a task on HOST and prints its lines
 *   hostclock_t errors     the error codes (ok/FAIL lines)
 */
#include "check.h"

#include <pvm3.h>
#include <pvmx.h>

#include <stdio.h>
#include <string.h>

#define TAG_TABLE 41

static void table(void)
{
	struct pvmhostinfo *hosts;
	int nhost, narch, ptid = pvm_parent();
	static char out[16384];
	size_t at = 0;

	if (pvm_config(&nhost, &narch, &hosts) < 0)
		return;
	for (int i = 0; i < nhost; i++) {
		long long off = 0, err = 0, sync = 0;
		struct timeval clk, delta;
		int rc = pvmx_hostclock(hosts[i].hi_tid, &off, &err);
		int n;

		if (pvm_hostsync(hosts[i].hi_tid, &clk, &delta) == 0)
			sync = (long long)delta.tv_sec * 1000000 + delta.tv_usec;
		n = snprintf(out + at, sizeof(out) - at,
		             "clock %s %x %d %lld %lld %lld\n", hosts[i].hi_name,
		             (unsigned)hosts[i].hi_tid, rc, off, err, sync);
		if (n < 0 || (size_t)n >= sizeof(out) - at)
			break;
		at += (size_t)n;
	}
	if (ptid > 0) {
		pvm_initsend(PvmDataDefault);
		pvm_pkstr(out);
		pvm_send(ptid, TAG_TABLE);
	} else {
		fputs(out, stdout);
	}
}

static int on(const char *host)
{
	static char out[16384];
	char *argv[] = {"table", NULL};
	int tid;

	if (pvm_spawn("hostclock_t", argv, PvmTaskHost, (char *)host, 1, &tid) != 1) {
		printf("FAIL - spawn on %s: %d\n", host, tid);
		return 1;
	}
	if (pvm_trecv(tid, TAG_TABLE, &(struct timeval){30, 0}) <= 0) {
		printf("FAIL - no table from t%x on %s\n", (unsigned)tid, host);
		return 1;
	}
	pvm_upkstr(out);
	fputs(out, stdout);
	return 0;
}

static void errors(void)
{
	long long off = 5, err = 5;

	pvm_setopt(PvmAutoErr, 0);
	CHECK(pvmx_hostclock(-3, &off, &err) == PvmBadParam, "a bad tid: PvmBadParam");
	CHECK(pvmx_hostclock(0x7ff << 18, &off, &err) == PvmNoHost,
	      "no such host: PvmNoHost");
	CHECK(off == 5 && err == 5, "an error leaves the results alone");
	CHECK(pvmx_hostclock(0, &off, &err) == 0 && off == 0 && err == 0,
	      "0: our own host, offset 0 within 0");
	CHECK(pvmx_hostclock(pvm_tidtohost(pvm_mytid()), NULL, NULL) == 0,
	      "our own daemon's tid, NULL results");
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (pvm_mytid() < 0)
		return 2;
	if (argc >= 2 && strcmp(argv[1], "table") == 0)
		table();
	else if (argc >= 3 && strcmp(argv[1], "on") == 0)
		rc = on(argv[2]);
	else if (argc >= 2 && strcmp(argv[1], "errors") == 0)
		errors();
	else
		rc = 2;
	pvm_exit();
	return rc != 0 ? rc : fails != 0;
}
