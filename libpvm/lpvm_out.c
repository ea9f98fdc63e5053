/*
 * lpvm_out.c - children's output caught into a FILE (pvm_catchout), the
 * descriptors the library listens on (pvm_getfds), and PVM_EXPORT editing
 * (pvm_export, pvm_unexport).
 */
#include "lpvm.h"
#include "lpvm_route.h"

#include "clock.h"
#include "pvmx.h"
#include "tid.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The output code and context pvm_catchout asks the daemon for, PVM
 * 3.4.6's (TC_OUTPUT in its system context SYSCTX_TC), as pvm_getopt
 * shows them: negative, so no pvm_send (tags >= 0) can ever be mistaken
 * for output. */
#define CATCHOUT_CODE ((int)0x80030005)
#define CATCHOUT_CTX 0x7ffff
/* how long pvm_exit waits for children's output to end */
#define DRAIN_MS 10000

static FILE *out_file;
/* pvm_catchout was called once: output with our code is ours for good
 * (children spawned then keep sending it after pvm_catchout(0)) */
static int caught_once;

/* tasks whose output began and has not ended, with their partial line */
static struct source {
	int tid;
	char *part;
	size_t len;
} * sources;
static int nsources;

static struct source *source_of(int tid, int add)
{
	struct source *ns;
	int i;

	for (i = 0; i < nsources; i++) {
		if (sources[i].tid == tid)
			return &sources[i];
	}
	if (!add)
		return NULL;
	ns = realloc(sources, sizeof(*ns) * (size_t)(nsources + 1));
	if (ns == NULL)
		return NULL;
	sources = ns;
	sources[nsources] = (struct source){.tid = tid};
	return &sources[nsources++];
}

static void source_drop(struct source *s)
{
	free(s->part);
	*s = sources[--nsources];
}

static void put_line(int tid, const char *p, size_t n)
{
	if (lpvm.showtids)
		fprintf(out_file, "[t%x] ", (unsigned)tid);
	fwrite(p, 1, n, out_file);
	fputc('\n', out_file);
}

/* Writes the complete lines of data (tagged with PvmShowTids); keeps a
 * partial last line for the next piece.  As PVM 3.4.6, also untagged:
 * a line is written whole, and one left at the task's end gets its
 * newline. */
static void put_data(struct source *s, int tid, const char *data, size_t n)
{
	const char *nl;

	while (n > 0 && (nl = memchr(data, '\n', n)) != NULL) {
		size_t k = (size_t)(nl - data);

		if (s != NULL && s->len > 0) {
			char *line = realloc(s->part, s->len + k);

			if (line != NULL) {
				memcpy(line + s->len, data, k);
				put_line(tid, line, s->len + k);
				s->part = line;
			}
			s->len = 0;
		} else {
			put_line(tid, data, k);
		}
		data += k + 1;
		n -= k + 1;
	}
	if (n > 0 && s != NULL) {
		char *np = realloc(s->part, s->len + n);

		if (np != NULL) {
			memcpy(np + s->len, data, n);
			s->part = np;
			s->len += n;
		}
	} else if (n > 0) {
		put_line(tid, data, n);
	}
}

int lpvm_output_take(struct msgbuf *mb)
{
	int hdr[2];
	struct source *s;
	char *data;

	if (!caught_once || mb->tag != CATCHOUT_CODE || mb->ctx != CATCHOUT_CTX ||
	    !tid_is_daemon(mb->src))
		return 0;
	if (msgbuf_unpack(mb, DSIG_INT, hdr, 2, 1) != 0)
		return 1; /* malformed output: nothing to print, nothing to queue */
	if (out_file == NULL) {
		/* collection turned off: dropped, never queued */
		s = source_of(hdr[0], 0);
		if (s != NULL && hdr[1] == PVMX_OUTPUT_END)
			source_drop(s);
		return 1;
	}
	s = source_of(hdr[0], hdr[1] == PVMX_OUTPUT_BEGIN);
	if (hdr[1] == PVMX_OUTPUT_BEGIN) {
		if (lpvm.showtids)
			fprintf(out_file, "[t%x] BEGIN\n", (unsigned)hdr[0]);
	} else if (hdr[1] == PVMX_OUTPUT_END) {
		if (s != NULL && s->len > 0)
			put_line(hdr[0], s->part, s->len);
		/* PVM 3.4.6 writes EOF (its man page says END) */
		if (lpvm.showtids)
			fprintf(out_file, "[t%x] EOF\n", (unsigned)hdr[0]);
		if (s != NULL)
			source_drop(s);
	} else if (hdr[1] > 0 && (size_t)hdr[1] <= msgbuf_length(mb)) {
		data = malloc((size_t)hdr[1]);
		if (data != NULL && msgbuf_unpack(mb, DSIG_BYTE, data, hdr[1], 1) == 0)
			put_data(s, hdr[0], data, (size_t)hdr[1]);
		free(data);
	}
	fflush(out_file);
	return 1;
}

void lpvm_output_drain(void)
{
	long long deadline = clock_now_ms() + DRAIN_MS;

	if (out_file == NULL || lpvm.fd < 0)
		return;
	/* take what is there (a BEGIN not yet read), then wait for the ENDs */
	if (lpvm_pump(0) < 0)
		return;
	if (nsources > 0 && lpvm.showtids)
		fprintf(stderr,
		        "libpvm [t%x]: child task(s) still running.  waiting...\n",
		        (unsigned)lpvm.mytid);
	while (nsources > 0) {
		long long left = deadline - clock_now_ms();

		if (left <= 0 || lpvm_pump((int)left) < 0)
			break;
	}
}

int pvm_catchout(FILE *f)
{
	int r = lpvm_ensure("pvm_catchout");

	if (r < 0)
		return r;
	out_file = f;
	if (f != NULL) {
		caught_once = 1;
		lpvm.out_tid = lpvm.mytid;
		lpvm.out_code = CATCHOUT_CODE;
		lpvm.out_ctx = CATCHOUT_CTX;
	} else {
		/* as PVM 3.4.6: back to where our own output goes */
		lpvm.out_tid = lpvm.self_out_tid;
		lpvm.out_code = lpvm.self_out_code;
		lpvm.out_ctx = lpvm.self_out_ctx;
	}
	lpvm_globals_publish();
	return PvmOk;
}

int lpvm_output_tid_ok(int tid)
{
	if (tid == 0)
		return 1;
	if (lpvm_ensure("pvm_setopt") < 0)
		return 0;
	if (tid == lpvm.mytid)
		return 1;
	return tid_is_valid(tid) && !tid_is_daemon(tid) && pvm_pstat(tid) == PvmOk;
}

int pvm_getfds(int **fds)
{
	static int our_fds[3];
	int r = lpvm_ensure("pvm_getfds"), n = 0;

	if (r < 0)
		return r;
	our_fds[n++] = lpvm.fd;
	/* a program that selects on these must wake for a direct message:
	 * from now on every one rings the doorbell; and when its select
	 * found the daemon's socket readable, the library must read it,
	 * though the daemon's note may not have moved yet (lpvm_route.c) */
	lpvm_shm_notify_always();
	lpvm.fds_given = 1;
	if (lpvm_route_shm.fd() >= 0)
		our_fds[n++] = lpvm_route_shm.fd();
	lpvm_fabric_no_lazy_open();
	if (lpvm_route_fabric.fd() >= 0)
		our_fds[n++] = lpvm_route_fabric.fd();
	if (fds != NULL)
		*fds = our_fds;
	return n;
}

/* PVM_EXPORT editing ---------------------------------------------------- */

/* Whether the colon-separated list has name as an entry. */
static int list_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	while (*list != '\0') {
		const char *end = strchr(list, ':');
		size_t k = end != NULL ? (size_t)(end - list) : strlen(list);

		if (k == n && memcmp(list, name, n) == 0)
			return 1;
		list += k;
		if (*list == ':')
			list++;
	}
	return 0;
}

int pvm_export(char *name)
{
	const char *cur = getenv("PVM_EXPORT");
	size_t len;
	char *nv;

	if (name == NULL || *name == '\0' || strchr(name, ':') != NULL ||
	    strchr(name, '=') != NULL)
		return lpvm_error("pvm_export", PvmBadParam);
	if (cur == NULL)
		cur = "";
	if (list_has(cur, name))
		return PvmOk;
	len = strlen(cur) + strlen(name) + 2;
	nv = malloc(len);
	if (nv == NULL)
		return lpvm_error("pvm_export", PvmNoMem);
	snprintf(nv, len, "%s%s%s", cur, *cur != '\0' ? ":" : "", name);
	setenv("PVM_EXPORT", nv, 1);
	free(nv);
	return PvmOk;
}

int pvm_unexport(char *name)
{
	const char *cur = getenv("PVM_EXPORT"), *p;
	size_t n, out = 0;
	char *nv;

	if (name == NULL || *name == '\0')
		return lpvm_error("pvm_unexport", PvmBadParam);
	if (cur == NULL || !list_has(cur, name))
		return PvmOk;
	n = strlen(name);
	nv = malloc(strlen(cur) + 1);
	if (nv == NULL)
		return lpvm_error("pvm_unexport", PvmNoMem);
	for (p = cur; *p != '\0';) {
		const char *end = strchr(p, ':');
		size_t k = end != NULL ? (size_t)(end - p) : strlen(p);

		if (k > 0 && !(k == n && memcmp(p, name, n) == 0)) {
			if (out > 0)
				nv[out++] = ':';
			memcpy(nv + out, p, k);
			out += k;
		}
		p += k;
		if (*p == ':')
			p++;
	}
	nv[out] = '\0';
	if (out == 0)
		unsetenv("PVM_EXPORT");
	else
		setenv("PVM_EXPORT", nv, 1);
	free(nv);
	return PvmOk;
}
