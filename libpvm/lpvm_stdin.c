/*
 * lpvm_stdin.c - pvmx_stdin: bytes for the stdin pipe of a task spawned
 * with PvmxTaskStdin (pvmrun forwards its own stdin to rank 0 so).
 */
#include "lpvm.h"

#include "tid.h"
#include "wire.h"

int pvmx_stdin(int tid, const void *buf, int len, int eof)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__StdinData d = PVMX__STDIN_DATA__INIT;

	if (!tid_is_valid(tid) || tid_is_daemon(tid) || len < 0 ||
	    (len > 0 && buf == NULL))
		return lpvm_error("pvmx_stdin", PvmBadParam);
	d.tid = tid;
	d.data.data = (uint8_t *)buf;
	d.data.len = (size_t)len;
	d.eof = eof != 0;
	req.body_case = PVMX__CONTROL__BODY_STDIN_DATA;
	req.stdin_data = &d;
	/* PvmOverflow is the caller's cue to wait, not an error to report */
	return lpvm_status_request("pvmx_stdin", &req, 0);
}
