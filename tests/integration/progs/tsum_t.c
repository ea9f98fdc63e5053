/*
 * tsum_t.c - PvmTraceTime, PvmTraceCount and the registered tracer's
 * output collection, for test_trace_sum.sh:
 *   tsum_t collect time|count N  traces a child (itself as tracer, that
 *       option), which calls pvm_send N times and pvm_recv once (a wait
 *       of 300 ms); prints each summary it gets ("summary timing send 14
 *       0.000123", one line per event kind), "records K" (the per-call
 *       records, none expected) and "collect: ok" when the child ended;
 *   tsum_t pair N   spawns "tsum_t send N" and takes its N messages (the
 *       program the tests start with the console's spawn -@);
 *   tsum_t send N   the child of both;
 *   tsum_t reg K    registers as the machine's tracer, its output
 *       collection in a context of its own (tag 0x5e8); prints
 *       "registered", then each output line it gets ("output t40002
 *       text") and "eof t40002" at each end, until K tasks' ends, then
 *       "reg: ok L lines".
 */
#include <pvm3.h>
#include <pvmtev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TRACE_TAG 0x5e7
#define OUT_TAG 0x5e8
#define DATA_TAG 1
#define BYE_TAG 2

static struct timeval tmo = {30, 0};

static int sender(int n)
{
	int parent = pvm_parent(), i;

	for (i = 0; i < n; i++) {
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&i, 1, 1);
		if (pvm_send(parent, DATA_TAG) < 0)
			return 1;
	}
	if (pvm_recv(parent, BYE_TAG) <= 0)
		return 1;
	printf("tsum_t: t%x sent %d\n", pvm_mytid(), n);
	fflush(stdout);
	pvm_exit();
	return 0;
}

/* the child's messages, then its bye after 300 ms (its receive's time) */
static int take_and_bye(int child, int n)
{
	for (int i = 0; i < n; i++)
		if (pvm_trecv(child, DATA_TAG, &tmo) <= 0)
			return -1;
	usleep(300 * 1000);
	pvm_initsend(PvmDataDefault);
	return pvm_send(child, BYE_TAG);
}

/* "tsum_t send n": spawned, its messages taken, its bye sent */
static int run_sender(int n)
{
	char nb[16], *args[] = {"send", nb, NULL};
	int child;

	snprintf(nb, sizeof(nb), "%d", n);
	if (pvm_spawn("tsum_t", args, PvmTaskDefault, NULL, 1, &child) != 1)
		return -1;
	return take_and_bye(child, n);
}

static int pair(int n)
{
	if (run_sender(n) < 0) {
		printf("tsum_t: FAIL pair\n");
		pvm_exit();
		return 1;
	}
	printf("tsum_t: ok %d\n", n);
	fflush(stdout);
	pvm_exit();
	return 0;
}

/* One trace message: descriptors are printed (a summary by its kinds),
 * records counted; the child's endtask sets *ended. */
static void parse_trace(int *records, int *ended)
{
	int marker, ev, did, type, n, v, vals[TEV_MAX + 1];
	char name[64], *names[TEV_MAX + 1] = {0};
	int nnames = 0, counts = 0, *secs = NULL, *usecs = NULL, *cnts = NULL;
	int s[TEV_MAX + 1], u[TEV_MAX + 1], c[TEV_MAX + 1];

	while (pvm_upkint(&marker, 1, 1) == 0) {
		if (marker == TEV_MARK_EVENT_BUFFER ||
		    marker == TEV_MARK_EVENT_BUFFER_END)
			continue;
		if (marker == TEV_MARK_EVENT_RECORD) {
			(*records)++;
			return; /* not parsed further: none expected */
		}
		if (marker != TEV_MARK_EVENT_DESC || pvm_upkint(&ev, 1, 1) < 0 ||
		    pvm_upkstr(name) < 0)
			return;
		if (ev == TEV_ENDTASK)
			*ended = 1;
		else if (ev < TEV_NEWTASK)
			(*records)++;
		while (pvm_upkint(&did, 1, 1) == 0 && did != TEV_MARK_EVENT_DESC_END) {
			if (pvm_upkint(&type, 1, 1) < 0)
				return;
			n = 1;
			if ((type & TEV_DATA_ARRAY) &&
			    (pvm_upkint(&n, 1, 1) < 0 || n < 0 || n > TEV_MAX + 1))
				return;
			for (int i = 0; i < n; i++) {
				if ((type & ~TEV_DATA_ARRAY) == TEV_DATA_STRING) {
					char str[256];

					if (pvm_upkstr(str) < 0)
						return;
					if (did == TEV_DID_VID && i < TEV_MAX + 1) {
						names[i] = strdup(str);
						nnames = i + 1;
					}
				} else if (pvm_upkint(&v, 1, 1) < 0) {
					return;
				} else {
					vals[i] = v;
				}
			}
			if (did == TEV_DID_TGS)
				memcpy(secs = s, vals, sizeof(int) * (size_t)n);
			if (did == TEV_DID_TGU)
				memcpy(usecs = u, vals, sizeof(int) * (size_t)n);
			if (did == TEV_DID_PRF) {
				memcpy(cnts = c, vals, sizeof(int) * (size_t)n);
				counts = n;
			}
		}
		if (ev == TEV_TIMING || ev == TEV_PROFILING) {
			for (int i = 0; i < nnames && i < counts; i++) {
				printf("summary %s %s %d", name, names[i], cnts[i]);
				if (secs != NULL && usecs != NULL)
					printf(" %d.%06d", secs[i], usecs[i]);
				printf("\n");
			}
			printf("summary %s end\n", name);
		}
		for (int i = 0; i < nnames; i++)
			free(names[i]);
		nnames = 0;
	}
}

static int collect(const char *opt, int n)
{
	Pvmtmask mask;
	int me = pvm_mytid(), records = 0, ended = 0, got = 0;

	/* the parser reads to the end of each message */
	pvm_setopt(PvmAutoErr, 0);

	TEV_MASK_INIT(mask);
	TEV_MASK_SET(mask, TEV_SEND);
	TEV_MASK_SET(mask, TEV_RECV);
	TEV_MASK_SET(mask, TEV_EXIT);
	pvm_settmask(PvmTaskChild, mask);
	pvm_setopt(PvmTraceTid, me);
	pvm_setopt(PvmTraceCode, TRACE_TAG);
	pvm_setopt(PvmTraceContext, pvm_getcontext());
	pvm_setopt(PvmTraceBuffer, 0);
	pvm_setopt(PvmTraceOptions,
	           strcmp(opt, "time") == 0 ? PvmTraceTime : PvmTraceCount);
	if (run_sender(n) < 0) {
		printf("collect: FAIL spawn or messages\n");
		pvm_exit();
		return 1;
	}
	while (!ended && pvm_trecv(-1, TRACE_TAG, &tmo) > 0) {
		got++;
		parse_trace(&records, &ended);
	}
	printf("records %d\n", records);
	printf("collect: %s (%d trace messages)\n", ended ? "ok" : "FAIL no endtask",
	       got);
	fflush(stdout);
	pvm_exit();
	return ended ? 0 : 1;
}

static int reg(int tasks)
{
	Pvmtmask mask;
	int ctx = pvm_getcontext(), octx = pvm_newcontext(), id, tid, len;
	int eofs = 0, lines = 0;
	char buf[4096];

	TEV_MASK_INIT(mask);
	TEV_MASK_SET(mask, TEV_SEND);
	pvm_setcontext(ctx);
	if (octx < 0 ||
	    pvm_reg_tracer(ctx, TRACE_TAG, octx, OUT_TAG, mask, 0, PvmTraceCount) < 0) {
		printf("reg: FAIL pvm_reg_tracer\n");
		pvm_exit();
		return 1;
	}
	printf("registered\n");
	fflush(stdout);
	/* the output messages come in octx only: received there */
	pvm_setcontext(octx);
	while (eofs < tasks && (id = pvm_trecv(-1, OUT_TAG, &tmo)) > 0) {
		if (pvm_upkint(&tid, 1, 1) < 0 || pvm_upkint(&len, 1, 1) < 0)
			break;
		if (len > 0 && len < (int)sizeof(buf)) {
			pvm_upkbyte(buf, len, 1);
			buf[len] = '\0';
			for (char *l = strtok(buf, "\n"); l != NULL;
			     l = strtok(NULL, "\n")) {
				printf("output t%x %s\n", tid, l);
				lines++;
			}
		} else if (len == 0) {
			printf("eof t%x\n", tid);
			eofs++;
		}
		fflush(stdout);
	}
	pvm_setcontext(ctx);
	printf("reg: %s %d lines\n", eofs == tasks ? "ok" : "FAIL ends missing", lines);
	fflush(stdout);
	pvm_exit();
	return eofs == tasks ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "send") == 0)
		return sender(atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "pair") == 0)
		return pair(atoi(argv[2]));
	if (argc == 4 && strcmp(argv[1], "collect") == 0)
		return collect(argv[2], atoi(argv[3]));
	if (argc == 3 && strcmp(argv[1], "reg") == 0)
		return reg(atoi(argv[2]));
	fprintf(stderr, "usage: tsum_t collect time|count N | pair N | send N | reg K\n");
	return 2;
}
