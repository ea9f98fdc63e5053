/*
 * sys_bad.c - speaks the raw protocol to pvmd and sends the requests of
 * issue 3 (contexts, mailbox, sendsig, hostsync, tickle, self output,
 * roles) with bad fields.  Each must be answered, with the same seq and
 * an error code, and the connection must stay usable.  Prints "ok - ..."
 * / "FAIL - ..." lines; exits 1 on a failure.
 */
#include "frame.h"
#include "paths.h"
#include "wire.h"

#include <pvm3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int fd, fails;
static uint32_t seq;

static int read_all(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t r = read(fd, p, len);

		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* Sends ctl and returns the reply (the first control frame), or NULL. */
static Pvmx__Control *ask(Pvmx__Control *ctl)
{
	uint8_t hdr[FRAME_HEADER_LEN], *payload;
	struct frame_header h;
	const char *why;
	size_t len;
	uint8_t *buf;

	ctl->seq = ++seq;
	buf = wire_control_frame(ctl, 0, 0, &len);
	if (buf == NULL || write(fd, buf, len) != (ssize_t)len) {
		free(buf);
		return NULL;
	}
	free(buf);
	for (;;) {
		Pvmx__Control *rep;

		if (read_all(hdr, sizeof(hdr)) != 0 ||
		    frame_decode(hdr, 1u << 30, &h, &why) != 0)
			return NULL;
		payload = malloc(h.len ? h.len : 1);
		if (payload == NULL || read_all(payload, h.len) != 0) {
			free(payload);
			return NULL;
		}
		if (h.kind != FRAME_CONTROL) {
			free(payload);
			continue;
		}
		rep = wire_control_decode(payload, h.len);
		free(payload);
		return rep;
	}
}

/* The code in the reply (Status or a typed reply), or -9999. */
static int code_of(Pvmx__Control *rep)
{
	if (rep == NULL || rep->seq != seq)
		return -9999;
	switch (rep->body_case) {
	case PVMX__CONTROL__BODY_STATUS:
		return rep->status->code;
	case PVMX__CONTROL__BODY_MBOX_GET_REPLY:
		return rep->mbox_get_reply->code;
	case PVMX__CONTROL__BODY_HOSTSYNC_REPLY:
		return rep->hostsync_reply->code;
	case PVMX__CONTROL__BODY_TICKLE_REPLY:
		return rep->tickle_reply->code;
	case PVMX__CONTROL__BODY_REG_REPLY:
		return rep->reg_reply->code;
	default:
		return -9998;
	}
}

static void expect(Pvmx__Control *ctl, int want, const char *what)
{
	Pvmx__Control *rep = ask(ctl);
	int got = code_of(rep);

	printf("%s - %s (got %d)\n", got == want ? "ok" : "FAIL", what, got);
	if (got != want)
		fails++;
	if (rep != NULL)
		wire_control_free(rep);
}

int main(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	Pvmx__Control c = PVMX__CONTROL__INIT;
	Pvmx__Register reg = PVMX__REGISTER__INIT;
	Pvmx__MboxPut put = PVMX__MBOX_PUT__INIT;
	Pvmx__MboxGet get = PVMX__MBOX_GET__INIT;
	Pvmx__MboxDel del = PVMX__MBOX_DEL__INIT;
	Pvmx__MboxReset mr = PVMX__MBOX_RESET__INIT;
	Pvmx__ContextRequest cr = PVMX__CONTEXT_REQUEST__INIT;
	Pvmx__SigRequest sg = PVMX__SIG_REQUEST__INIT;
	Pvmx__HostSyncRequest hs = PVMX__HOST_SYNC_REQUEST__INIT;
	Pvmx__TickleRequest tk = PVMX__TICKLE_REQUEST__INIT;
	Pvmx__RoleRequest ro = PVMX__ROLE_REQUEST__INIT;
	Pvmx__SelfOutputRequest so = PVMX__SELF_OUTPUT_REQUEST__INIT;
	static char longname[2048];
	int32_t args[2] = {6, 99};
	uint8_t *big;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (paths_vm_file(sa.sun_path, sizeof(sa.sun_path), "sock") != 0)
		return 1;
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return 1;
	reg.protocol_version = PVMX_PROTOCOL_VERSION;
	reg.name = "sys_bad";
	c.body_case = PVMX__CONTROL__BODY_REG;
	c.reg = &reg;
	expect(&c, 0, "register");

	c.body_case = PVMX__CONTROL__BODY_MBOX_PUT;
	c.mbox_put = &put;
	put.name = "";
	expect(&c, PvmBadParam, "mbox put: empty name");
	memset(longname, 'n', sizeof(longname) - 1);
	put.name = longname;
	expect(&c, PvmBadParam, "mbox put: a 2047-byte name");
	put.name = "x";
	/* as PVM 3.4.6: flag bits a put has no use for are kept, not refused */
	put.flags = 0x80 | PvmMboxWaitForInfo;
	expect(&c, 0, "mbox put: unknown and get flags kept, index 0");
	put.flags = 0;
	put.mode = 7;
	expect(&c, PvmBadParam, "mbox put: unknown mode");
	put.mode = 1;
	put.index = -5;
	expect(&c, PvmBadParam, "mbox insert: index -5");
	put.mode = 0;
	big = calloc(1, 10u << 20);
	put.data.data = big;
	put.data.len = big != NULL ? 10u << 20 : 0;
	expect(&c, 0, "mbox put: a 10 MiB entry is stored");
	free(big);
	put.data.len = 0;

	c.body_case = PVMX__CONTROL__BODY_MBOX_GET;
	c.mbox_get = &get;
	get.name = "";
	expect(&c, PvmBadParam, "mbox get: empty name");
	get.name = "x";
	get.index = -7;
	expect(&c, PvmBadParam, "mbox get: index -7");
	get.index = 0;
	get.flags = 0x1000;
	expect(&c, 0, "mbox get: unknown flags ignored (as PVM 3.4.6)");
	get.flags = 0;
	expect(&c, 0, "mbox get: the 10 MiB entry comes back");

	c.body_case = PVMX__CONTROL__BODY_MBOX_DEL;
	c.mbox_del = &del;
	del.name = "x";
	del.index = -1;
	expect(&c, PvmBadParam, "mbox del: index -1");
	del.index = 0;
	del.flags = 3;
	expect(&c, 0, "mbox del: our own entry, flags ignored (as PVM 3.4.6)");
	del.flags = 0;
	expect(&c, PvmNotFound, "mbox del: gone");

	c.body_case = PVMX__CONTROL__BODY_MBOX_RESET;
	c.mbox_reset = &mr;
	mr.name = longname;
	mr.index = -1;
	expect(&c, PvmBadParam, "mbox reset: a 2047-byte name");
	mr.name = "x";
	mr.index = -2;
	expect(&c, PvmBadParam, "mbox reset: index -2");
	mr.index = -1;
	mr.kill = 1;
	mr.noresets = args;
	mr.n_noresets = 2;
	expect(&c, 0, "mbox reset of a class with no entry: 0 deleted");

	c.body_case = PVMX__CONTROL__BODY_FREECONTEXT;
	c.freecontext = &cr;
	cr.ctx = -5;
	expect(&c, PvmNotFound, "freecontext -5");
	cr.ctx = 0x7fffffff;
	expect(&c, PvmNotFound, "freecontext 0x7fffffff");

	c.body_case = PVMX__CONTROL__BODY_SENDSIG;
	c.sendsig = &sg;
	sg.tid = 0x40000;
	sg.signal = 1;
	expect(&c, PvmBadParam, "sendsig to the daemon");
	sg.tid = 0x40001;
	sg.signal = 1000;
	expect(&c, PvmBadParam, "sendsig of signal 1000");

	c.body_case = PVMX__CONTROL__BODY_HOSTSYNC;
	c.hostsync = &hs;
	hs.host = -1;
	expect(&c, PvmBadParam, "hostsync of host -1");

	c.body_case = PVMX__CONTROL__BODY_TICKLE;
	c.tickle = &tk;
	expect(&c, PvmBadParam, "tickle without args");
	tk.args = args;
	tk.n_args = 2;
	expect(&c, PvmBadParam, "tickle 6 with level 99");

	c.body_case = PVMX__CONTROL__BODY_REG_ROLE;
	c.reg_role = &ro;
	ro.role = 9;
	expect(&c, PvmBadParam, "role 9");

	c.body_case = PVMX__CONTROL__BODY_SELF_OUTPUT;
	c.self_output = &so;
	so.tid = 0x40000000; /* beyond a tid's bits */
	expect(&c, PvmBadParam, "self output to tid 0x40000000");
	/* PVM 3.4.6 takes a negative one (its console sets -1): the default */
	so.tid = -3;
	expect(&c, PvmOk, "self output to tid -3 is the default destination");

	/* a reply-only message sent as a request */
	{
		Pvmx__TidList tl = PVMX__TID_LIST__INIT;

		c.body_case = PVMX__CONTROL__BODY_TID_LIST;
		c.tid_list = &tl;
		expect(&c, PvmNotImpl, "a reply kind as a request: PvmNotImpl");
	}
	hs.host = 0x40000;
	c.body_case = PVMX__CONTROL__BODY_HOSTSYNC;
	c.hostsync = &hs;
	expect(&c, 0, "the connection still works");
	close(fd);
	return fails != 0;
}
