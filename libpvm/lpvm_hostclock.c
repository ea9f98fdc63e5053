/*
 * lpvm_hostclock.c - pvmx_hostclock: a host's clock against ours, as our
 * daemon keeps it from the heartbeats (daemon/hostclock.c), without a
 * round trip to that host.
 */
#include "lpvm.h"

#include "wire.h"

#include <pvmx.h>

int pvmx_hostclock(int host, long long *offset_us, long long *err_us)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__HostClockRequest hr = PVMX__HOST_CLOCK_REQUEST__INIT;
	int r;

	hr.host = host;
	req.body_case = PVMX__CONTROL__BODY_HOSTCLOCK;
	req.hostclock = &hr;
	r = lpvm_typed_request("pvmx_hostclock", &req,
	                       PVMX__CONTROL__BODY_HOSTCLOCK_REPLY, &rep);
	if (r < 0)
		return r;
	r = rep->hostclock_reply->code;
	if (r == 0) {
		if (offset_us != NULL)
			*offset_us = rep->hostclock_reply->offset_us;
		if (err_us != NULL)
			*err_us = rep->hostclock_reply->err_us;
	}
	wire_control_free(rep);
	return r < 0 ? lpvm_error("pvmx_hostclock", r) : 0;
}
