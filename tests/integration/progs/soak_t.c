/*
 * soak_t.c - random traffic and random faults on a VM of several hosts
 * (tests/soak/soak.sh, docs/testing.md).  "soak_t master SECONDS WORKERS
 * HOST..." spawns WORKERS copies of itself ("soak_t worker") over the VM;
 * each sends messages of random sizes and tags to random peers over a
 * random route (default, direct, PvmDontRoute) and packing, each with a
 * header (sender, incarnation, receiver, sequence number of the pair,
 * length, tag, checksum), and checks what it receives.  Meanwhile the
 * master kills workers (SIGKILL) and the daemons of the HOSTs given (the
 * master's own host is never killed), respawns the workers and re-adds
 * the hosts (pvm_addhosts), and samples every daemon's RSS.  At the end
 * it stops the traffic, the workers exchange their final counts, and the
 * master prints the totals; it exits 1 on any loss, duplicate, reordering
 * or corruption between tasks that lived to the end, on a gap in what a
 * killed task sent, on a worker or daemon that died unasked, or on a
 * worker that did not finish.
 *
 * What counts (a pair = one sender incarnation, one receiver):
 *   lost        between two surviving tasks: sent (the sender's final
 *               count, sent after its data) minus received; from a killed
 *               sender: the numbers missing below the highest received
 *               (what it sent after its last received message was in
 *               flight when it died: not counted);
 *   to killed   sent to a task that was later killed: not lost, its
 *               receiver is gone, and not checked;
 *   duplicated  a sequence number received twice;
 *   reordered   one received after a higher one of the same pair;
 *   corrupted   header and frame disagree (sender, receiver, tag, length)
 *               or the payload's checksum is wrong.
 * Environment: SOAK_BREAK (the checker's own test, send_data), SOAK_VERBOSE
 * (each report line by line), SOAK_SEED, SOAK_RATE (messages per second and worker,
 * default 200), SOAK_MAXLEN (largest payload, default 262144),
 * SOAK_TASK_KILL_MS, SOAK_DAEMON_KILL_MS (mean time between kills,
 * default 3000 and 15000; 0: none).
 */
#include <dirent.h>
#include <errno.h>
#include <pvm3.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define SOAK_MAGIC 0x50534f4bu /* "PSOK" */
#define TAG_DATA_MAX 29999
#define TAG_PEERS 30001
#define TAG_STOP 30002
#define TAG_FIN 30003
#define TAG_REPORT 30004
#define TAG_TEXIT 30005
#define TAG_HOSTDEL 30006
#define TAG_STATS 30007 /* a worker's messages sent since its last one */
#define MAX_TASKS 4096  /* incarnations one worker may hear of */
#define MAX_PEERS 256
#define MAX_HOSTS 16
#define MAX_DAEMONS 256
#define HDR_WORDS 9

/* xorshift64*: reproducible from SOAK_SEED */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static unsigned rng_below(unsigned n)
{
	return n == 0 ? 0 : (unsigned)(rng_next() % n);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? strtol(v, NULL, 0) : def;
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* ------------------------------------------------------------- worker */

/* what one receiver knows of one sender incarnation */
struct soak_src {
	int tid;
	unsigned nonce;
	unsigned next;     /* lowest sequence number not yet passed */
	unsigned distinct; /* messages received once */
	unsigned dup, reorder, corrupt;
	unsigned *missing; /* numbers below next not received yet */
	unsigned nmissing, capmissing;
	long fin; /* the sender's final count to us; -1: none yet */
};

/* what one sender has sent to one receiver */
struct soak_dst {
	int tid;
	unsigned sent;
};

static struct soak_src srcs[MAX_TASKS];
static int nsrcs;
static struct soak_dst dsts[MAX_TASKS];
static int ndsts;
static int peers[MAX_PEERS], npeers;
static int mytid;
static unsigned mynonce;
static unsigned char *payload, *rxbuf;
static long maxlen;
static unsigned long send_errors;

static struct soak_src *src_find(int tid, unsigned nonce, int add)
{
	for (int i = 0; i < nsrcs; i++)
		if (srcs[i].tid == tid && srcs[i].nonce == nonce)
			return &srcs[i];
	if (!add || nsrcs == MAX_TASKS)
		return NULL;
	srcs[nsrcs] = (struct soak_src){.tid = tid, .nonce = nonce, .fin = -1};
	return &srcs[nsrcs++];
}

static struct soak_dst *dst_find(int tid)
{
	for (int i = 0; i < ndsts; i++)
		if (dsts[i].tid == tid)
			return &dsts[i];
	if (ndsts == MAX_TASKS)
		return NULL;
	dsts[ndsts] = (struct soak_dst){.tid = tid};
	return &dsts[ndsts++];
}

/* sequence number SEQ of S arrived: in order, late (it was missing), a
 * duplicate, or past a gap (the numbers between are missing) */
static void src_seq(struct soak_src *s, unsigned seq)
{
	if (seq >= s->next) {
		for (unsigned k = s->next; k < seq; k++) {
			if (s->nmissing == s->capmissing) {
				unsigned cap = s->capmissing ? 2 * s->capmissing : 16;
				unsigned *m = realloc(s->missing, cap * sizeof(*m));

				if (m == NULL)
					abort();
				s->missing = m;
				s->capmissing = cap;
			}
			s->missing[s->nmissing++] = k;
		}
		s->next = seq + 1;
		s->distinct++;
		return;
	}
	for (unsigned i = 0; i < s->nmissing; i++) {
		if (s->missing[i] == seq) {
			s->missing[i] = s->missing[--s->nmissing];
			s->reorder++;
			s->distinct++;
			return;
		}
	}
	s->dup++;
}

static void set_route(void)
{
	static const int routes[] = {PvmAllowDirect, PvmRouteDirect, PvmDontRoute};

	pvm_setopt(PvmRoute, routes[rng_below(3)]);
}

/* one data message of random size, tag, packing and route to TID with
 * sequence number SEQ; CORRUPT: one payload byte changed after the
 * checksum.  pvm_send's result. */
static int send_msg(int tid, unsigned seq, int corrupt)
{
	static const int encodings[] = {PvmDataDefault, PvmDataRaw, PvmDataInPlace};
	unsigned hdr[HDR_WORDS];
	unsigned len;
	uint64_t sum;
	int tag = 1 + (int)rng_below(TAG_DATA_MAX);

	/* sizes spread over every scale: 0 bytes to maxlen */
	len = rng_below(4) == 0 ? rng_below(64)
	                        : rng_below((unsigned)(1u << rng_below(19)) + 1);
	if (len > (unsigned)maxlen)
		len = (unsigned)maxlen;
	for (unsigned i = 0; i < len; i++)
		payload[i] = (unsigned char)rng_next();
	sum = fnv1a(payload, len);
	if (corrupt && len > 0)
		payload[rng_below(len)] ^= 0x5a;
	else if (corrupt)
		sum++;
	hdr[0] = SOAK_MAGIC;
	hdr[1] = (unsigned)mytid;
	hdr[2] = mynonce;
	hdr[3] = (unsigned)tid;
	hdr[4] = seq;
	hdr[5] = len;
	hdr[6] = (unsigned)tag;
	hdr[7] = (unsigned)sum;
	hdr[8] = (unsigned)(sum >> 32);
	pvm_initsend(encodings[rng_below(3)]);
	pvm_pkuint(hdr, HDR_WORDS, 1);
	pvm_pkbyte((char *)payload, (int)len, 1);
	set_route();
	return pvm_send(tid, tag);
}

/* The checker's own test: SOAK_BREAK=lose|dup|reorder|corrupt makes each
 * worker's 20th message lost (a number of its pair skipped),
 * sent twice, swapped with the next, or corrupted. */
static const char *soak_break;
static unsigned long data_sent;

/* the next message of the pair to TID */
static void send_data(int tid)
{
	struct soak_dst *d = dst_find(tid);
	const char *brk = ++data_sent == 20 ? soak_break : NULL;
	int rc;

	if (d == NULL)
		return;
	if (brk != NULL && strcmp(brk, "lose") == 0) {
		d->sent++;
	} else if (brk != NULL && strcmp(brk, "dup") == 0) {
		send_msg(tid, d->sent, 0);
	} else if (brk != NULL && strcmp(brk, "reorder") == 0) {
		if (send_msg(tid, d->sent + 1, 0) >= 0 && send_msg(tid, d->sent, 0) >= 0)
			d->sent += 2;
		return;
	}
	rc = send_msg(tid, d->sent, brk != NULL && strcmp(brk, "corrupt") == 0);
	if (rc < 0) {
		send_errors++;
		return;
	}
	d->sent++;
}

static void recv_data(int bufid)
{
	unsigned hdr[HDR_WORDS];
	int bytes, tag, src;
	struct soak_src *s;
	uint64_t sum;
	int bad = 0;

	pvm_bufinfo(bufid, &bytes, &tag, &src);
	if (bytes < (int)(HDR_WORDS * sizeof(unsigned)) ||
	    pvm_upkuint(hdr, HDR_WORDS, 1) < 0 || hdr[0] != SOAK_MAGIC) {
		/* nothing to attribute it by but the frame's sender */
		s = src_find(src, 0, 1);
		if (s != NULL)
			s->corrupt++;
		return;
	}
	s = src_find((int)hdr[1], hdr[2], 1);
	if (s == NULL)
		return;
	if ((int)hdr[1] != src || (int)hdr[3] != mytid || (int)hdr[6] != tag ||
	    hdr[5] > maxlen)
		bad = 1;
	else if (pvm_upkbyte((char *)rxbuf, (int)hdr[5], 1) < 0)
		bad = 1;
	else {
		sum = fnv1a(rxbuf, hdr[5]);
		bad = (unsigned)sum != hdr[7] || (unsigned)(sum >> 32) != hdr[8];
	}
	if (bad)
		s->corrupt++;
	else
		src_seq(s, hdr[4]);
}

/* a message of ours: 1 once STOP came (its final peer list is in peers) */
static int recv_one(int bufid)
{
	int bytes, tag, src;
	unsigned fin[2];

	pvm_bufinfo(bufid, &bytes, &tag, &src);
	switch (tag) {
	case TAG_PEERS:
	case TAG_STOP:
		pvm_upkint(&npeers, 1, 1);
		if (npeers < 0 || npeers > MAX_PEERS)
			npeers = 0;
		pvm_upkint(peers, npeers, 1);
		return tag == TAG_STOP;
	case TAG_FIN: {
		struct soak_src *s;

		pvm_upkuint(fin, 2, 1);
		s = src_find(src, fin[0], 1);
		if (s != NULL)
			s->fin = fin[1];
		return 0;
	}
	default:
		recv_data(bufid);
		return 0;
	}
}

static int is_peer(int tid)
{
	for (int i = 0; i < npeers; i++)
		if (peers[i] == tid)
			return 1;
	return 0;
}

/* the counts of every sender heard of, to the master */
static void report(int master)
{
	unsigned long sent_live = 0, sent_killed = 0;
	unsigned v[10];

	for (int i = 0; i < ndsts; i++) {
		if (is_peer(dsts[i].tid))
			sent_live += dsts[i].sent;
		else
			sent_killed += dsts[i].sent;
	}
	pvm_initsend(PvmDataDefault);
	v[0] = mynonce;
	v[1] = (unsigned)sent_live;
	v[2] = (unsigned)sent_killed;
	v[3] = (unsigned)send_errors;
	v[4] = (unsigned)nsrcs;
	pvm_pkuint(v, 5, 1);
	for (int i = 0; i < nsrcs; i++) {
		struct soak_src *s = &srcs[i];

		v[0] = (unsigned)s->tid;
		v[1] = s->nonce;
		v[2] = is_peer(s->tid);
		v[3] = (unsigned)s->fin; /* ~0u: no final count */
		v[4] = s->distinct;
		v[5] = s->dup;
		v[6] = s->reorder;
		v[7] = s->corrupt;
		v[8] = s->nmissing;
		v[9] = s->next;
		pvm_pkuint(v, 10, 1);
	}
	pvm_setopt(PvmRoute, PvmDontRoute);
	pvm_send(master, TAG_REPORT);
}

/* the final counts: one FIN to each surviving peer (after our data to it:
 * a pair's messages arrive in order whatever the route), then every
 * surviving peer's FIN, or 60 s */
static int finish_worker(int master)
{
	struct timeval tmo = {0, 100000};
	double deadline = now_s() + 60;
	int missing;

	for (int i = 0; i < npeers; i++) {
		struct soak_dst *d;
		unsigned fin[2];

		if (peers[i] == mytid || (d = dst_find(peers[i])) == NULL)
			continue;
		fin[0] = mynonce;
		fin[1] = d->sent;
		pvm_initsend(PvmDataDefault);
		pvm_pkuint(fin, 2, 1);
		set_route();
		pvm_send(peers[i], TAG_FIN);
	}
	do {
		int bufid = pvm_trecv(-1, -1, &tmo);

		if (bufid > 0)
			recv_one(bufid);
		else if (bufid < 0)
			return 1;
		/* every surviving peer's FIN, including those that never sent
		 * us data */
		missing = 0;
		for (int i = 0; i < npeers; i++) {
			int fin_seen = peers[i] == mytid;

			for (int k = 0; k < nsrcs && !fin_seen; k++)
				fin_seen = srcs[k].tid == peers[i] && srcs[k].fin >= 0;
			missing += !fin_seen;
		}
	} while (missing > 0 && now_s() < deadline);
	report(master);
	return 0;
}

static int worker(void)
{
	int master = pvm_parent();
	double interval = 1.0 / (double)env_long("SOAK_RATE", 200);
	double next = now_s();

	maxlen = env_long("SOAK_MAXLEN", 262144);
	soak_break = getenv("SOAK_BREAK");
	payload = malloc((size_t)maxlen + 1);
	rxbuf = malloc((size_t)maxlen + 1);
	if (payload == NULL || rxbuf == NULL)
		return 1;
	double next_stats = now_s() + 1;
	unsigned long stats_sent = 0;

	for (;;) {
		struct timeval tmo;
		double wait = next - now_s();

		if (now_s() >= next_stats) {
			unsigned delta = (unsigned)(data_sent - stats_sent);

			stats_sent = data_sent;
			next_stats = now_s() + 1;
			pvm_initsend(PvmDataDefault);
			pvm_pkuint(&delta, 1, 1);
			pvm_setopt(PvmRoute, PvmDontRoute);
			pvm_send(master, TAG_STATS);
		}
		int bufid;

		if (wait > 0) {
			tmo.tv_sec = (long)wait;
			tmo.tv_usec = (long)((wait - (double)tmo.tv_sec) * 1e6);
			bufid = pvm_trecv(-1, -1, &tmo);
		} else {
			bufid = pvm_nrecv(-1, -1);
		}
		if (bufid < 0)
			return 1; /* our daemon is gone */
		if (bufid > 0) {
			if (recv_one(bufid))
				return finish_worker(master);
			continue;
		}
		if (now_s() < next)
			continue;
		next += interval;
		if (next < now_s() - 1)
			next = now_s(); /* do not make up for a stall in a burst */
		if (npeers > 1) {
			int to = peers[rng_below((unsigned)npeers)];

			if (to != mytid)
				send_data(to);
		}
	}
}

/* ------------------------------------------------------------- master */

struct soak_worker {
	int tid;
	int host;   /* index in hosts[] */
	int doomed; /* we killed it or its host: its exit is expected */
};

struct soak_host {
	char name[64];
	int dtid; /* 0: not in the VM now */
	int killable;
	int doomed;
};

struct soak_daemon {
	int pid;
	char host[64];
	long first_kb, max_kb, last_kb;
	int seen; /* in the latest sample */
};

static struct soak_worker workers[MAX_PEERS];
static int nworkers;
static struct soak_host hosts[MAX_HOSTS];
static int nhosts;
static struct soak_daemon daemons[MAX_DAEMONS];
static int ndaemons;
static const char *base_tmp;
static unsigned long kills_task, kills_daemon, unexpected_exits, unexpected_hostdel;
static unsigned long spawn_failures, addhost_failures;
static unsigned long progress_sent; /* as the workers' TAG_STATS tell */

/* /proc/PID/WHAT into BUF (NUL-terminated); its length, or -1 */
static long proc_read(int pid, const char *what, char *buf, size_t len)
{
	char path[64];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (long)n;
}

/* 1 if PID is a daemon of this VM, its host's name into HOST: the PVM_TMP
 * of the master's own, or lo-rsh's directory of that host below it */
static int daemon_host_of(int pid, char *host, size_t hostlen)
{
	char env[16384], want[4096];
	long got;
	size_t n;

	if (proc_read(pid, "comm", env, sizeof(env)) < 0 || strcmp(env, "pvmd\n") != 0)
		return 0;
	if ((got = proc_read(pid, "environ", env, sizeof(env))) < 0)
		return 0;
	n = (size_t)got;
	snprintf(want, sizeof(want), "PVM_TMP=%s", base_tmp);
	for (size_t i = 0; i < n; i += strlen(env + i) + 1) {
		const char *e = env + i;
		size_t wl = strlen(want);

		if (strncmp(e, want, wl) != 0)
			continue;
		if (e[wl] == '\0') {
			snprintf(host, hostlen, "%s", hosts[0].name);
			return 1;
		}
		if (strncmp(e + wl, "/lo-", 4) == 0) {
			snprintf(host, hostlen, "%s", e + wl + 4);
			return 1;
		}
	}
	return 0;
}

static long rss_kb(int pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* every live daemon of this VM: its RSS now; pid of host NAME's if asked */
static int daemons_sample(const char *name)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int found = 0;

	if (d == NULL)
		return 0;
	for (int i = 0; name == NULL && i < ndaemons; i++)
		daemons[i].seen = 0;
	while ((e = readdir(d)) != NULL) {
		char host[64];
		int pid = atoi(e->d_name);
		long kb;
		int i;

		if (pid <= 0 || !daemon_host_of(pid, host, sizeof(host)))
			continue;
		if (name != NULL) {
			if (strcmp(host, name) == 0)
				found = pid;
			continue;
		}
		if ((kb = rss_kb(pid)) < 0)
			continue;
		for (i = 0; i < ndaemons && daemons[i].pid != pid; i++)
			;
		if (i == ndaemons) {
			if (ndaemons == MAX_DAEMONS)
				continue;
			daemons[ndaemons++] =
			    (struct soak_daemon){.pid = pid, .first_kb = kb};
			snprintf(daemons[i].host, sizeof(daemons[i].host), "%s", host);
		}
		daemons[i].last_kb = kb;
		daemons[i].seen = 1;
		if (kb > daemons[i].max_kb)
			daemons[i].max_kb = kb;
	}
	closedir(d);
	return found;
}

static void broadcast_peers(int tag)
{
	int tids[MAX_PEERS], n = 0;

	for (int i = 0; i < nworkers; i++)
		if (workers[i].tid > 0 && !workers[i].doomed)
			tids[n++] = workers[i].tid;
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&n, 1, 1);
	pvm_pkint(tids, n, 1);
	pvm_setopt(PvmRoute, PvmDontRoute);
	pvm_mcast(tids, n, tag);
}

/* worker slot W gets a new task on a random host in the VM */
static void spawn_worker(int w)
{
	char *argv[] = {"worker", NULL};
	int tid, h;

	for (int tries = 0; tries < 2 * nhosts; tries++) {
		h = (int)rng_below((unsigned)nhosts);
		if (hosts[h].dtid == 0)
			continue;
		if (pvm_spawn("soak_t", argv, PvmTaskHost, hosts[h].name, 1, &tid) == 1) {
			workers[w] = (struct soak_worker){.tid = tid, .host = h};
			pvm_notify(PvmTaskExit, TAG_TEXIT, 1, &tid);
			return;
		}
	}
	spawn_failures++;
	workers[w].tid = 0;
}

static void watch_host(int h)
{
	pvm_notify(PvmHostDelete, TAG_HOSTDEL, 1, &hosts[h].dtid);
}

static void kill_task(void)
{
	struct pvmtaskinfo *ti;
	int n, w = (int)rng_below((unsigned)nworkers);

	if (workers[w].tid <= 0 || workers[w].doomed)
		return;
	if (pvm_tasks(workers[w].tid, &n, &ti) < 0 || n != 1)
		return;
	workers[w].doomed = 1;
	kills_task++;
	kill(ti[0].ti_pid, SIGKILL);
}

static void kill_daemon(void)
{
	int h = (int)rng_below((unsigned)nhosts), pid;

	if (!hosts[h].killable || hosts[h].dtid == 0 || hosts[h].doomed)
		return;
	if ((pid = daemons_sample(hosts[h].name)) <= 0)
		return;
	hosts[h].doomed = 1;
	for (int w = 0; w < nworkers; w++)
		if (workers[w].tid > 0 && workers[w].host == h)
			workers[w].doomed = 1;
	kills_daemon++;
	kill(pid, SIGKILL);
}

static void host_gone(int dtid)
{
	int h;

	for (h = 0; h < nhosts && hosts[h].dtid != dtid; h++)
		;
	if (h == nhosts)
		return;
	if (!hosts[h].doomed) {
		printf("soak: FAIL: host %s deleted unasked\n", hosts[h].name);
		unexpected_hostdel++;
	}
	hosts[h].dtid = 0;
	hosts[h].doomed = 0;
	{
		char *name = hosts[h].name;
		int info;

		if (pvm_addhosts(&name, 1, &info) == 1 && info > 0) {
			hosts[h].dtid = info;
			watch_host(h);
		} else {
			addhost_failures++;
			printf("soak: re-adding %s failed: %d\n", name, info);
		}
	}
}

/* set once STOP is sent: the workers end by themselves after reporting */
static int stopping;

static void task_gone(int tid)
{
	for (int w = 0; w < nworkers && !stopping; w++) {
		if (workers[w].tid != tid)
			continue;
		if (!workers[w].doomed) {
			printf("soak: FAIL: worker t%x exited unasked\n", tid);
			unexpected_exits++;
		}
		spawn_worker(w);
		broadcast_peers(TAG_PEERS);
		return;
	}
}

/* handle one notify; 1 if it was one */
static int master_notify(int bufid)
{
	int bytes, tag, src, who;

	pvm_bufinfo(bufid, &bytes, &tag, &src);
	if (tag == TAG_STATS) {
		unsigned delta;

		pvm_upkuint(&delta, 1, 1);
		progress_sent += delta;
		return 1;
	}
	if (tag != TAG_HOSTDEL && tag != TAG_TEXIT)
		return 0;
	pvm_upkint(&who, 1, 1);
	if (tag == TAG_HOSTDEL)
		host_gone(who);
	else if (tag == TAG_TEXIT)
		task_gone(who);
	return 1;
}

static int pending_faults(void)
{
	for (int h = 0; h < nhosts; h++)
		if (hosts[h].doomed)
			return 1;
	for (int w = 0; w < nworkers; w++)
		if (workers[w].doomed || workers[w].tid <= 0)
			return 1;
	return 0;
}

static int master(int argc, char **argv)
{
	double seconds = atof(argv[2]), start = now_s(), next_task, next_daemon, next_rss;
	long task_ms = env_long("SOAK_TASK_KILL_MS", 3000);
	long daemon_ms = env_long("SOAK_DAEMON_KILL_MS", 15000);
	int verbose = env_long("SOAK_VERBOSE", 0) != 0;
	struct pvmhostinfo *hi;
	struct timeval tmo = {0, 50000};
	int nh, narch, nlive = 0, reports = 0, fails = 0;
	unsigned long sent_live = 0, sent_killed = 0, sent_by_killed = 0, received = 0;
	unsigned long lost_live = 0, lost_gap = 0, dup = 0, reorder = 0, corrupt = 0;
	unsigned long send_errs = 0, no_fin = 0;

	nworkers = atoi(argv[3]);
	if (nworkers < 2 || nworkers > MAX_PEERS ||
	    (base_tmp = getenv("PVM_TMP")) == NULL)
		return 2;
	pvm_catchout(stdout);
	/* the workers get the knobs the master got (the daemons' environment
	 * is the one they started with) */
	pvm_export("SOAK_SEED");
	pvm_export("SOAK_RATE");
	pvm_export("SOAK_MAXLEN");
	pvm_export("SOAK_BREAK");
	if (pvm_config(&nh, &narch, &hi) < 0)
		return 2;
	/* hosts[0]: the master's own (never killed); then the others */
	for (int i = 0; i < nh && nhosts < MAX_HOSTS; i++) {
		struct soak_host *h = &hosts[nhosts++];

		snprintf(h->name, sizeof(h->name), "%s", hi[i].hi_name);
		h->dtid = hi[i].hi_tid;
		h->killable = 0;
		for (int k = 4; k < argc; k++)
			h->killable |= strcmp(argv[k], h->name) == 0;
		if (h->dtid == pvm_tidtohost(pvm_mytid()) && i != 0) {
			struct soak_host t = hosts[0];

			hosts[0] = *h;
			*h = t;
		}
	}
	for (int h = 0; h < nhosts; h++)
		watch_host(h);
	for (int w = 0; w < nworkers; w++)
		spawn_worker(w);
	broadcast_peers(TAG_PEERS);
	printf("soak: %g s, %d workers, %d hosts, seed %llu\n", seconds, nworkers, nhosts,
	       (unsigned long long)rng_state);
	fflush(stdout);
	next_task =
	    start + (task_ms > 0 ? (double)rng_below(2 * (unsigned)task_ms) / 1e3 : 1e12);
	next_daemon =
	    start +
	    (daemon_ms > 0 ? (double)rng_below(2 * (unsigned)daemon_ms) / 1e3 : 1e12);
	next_rss = start;
	while (now_s() < start + seconds) {
		int bufid = pvm_trecv(-1, -1, &tmo);

		if (bufid > 0)
			master_notify(bufid);
		if (now_s() >= next_task) {
			kill_task();
			next_task =
			    now_s() + (double)rng_below(2 * (unsigned)task_ms) / 1e3;
		}
		if (now_s() >= next_daemon) {
			kill_daemon();
			next_daemon =
			    now_s() + (double)rng_below(2 * (unsigned)daemon_ms) / 1e3;
		}
		if (now_s() >= next_rss) {
			daemons_sample(NULL);
			next_rss = now_s() + 1;
			if ((int)(now_s() - start) % 10 == 0) {
				printf("soak: t=%.0f s sent %lu, rss", now_s() - start,
				       progress_sent);
				for (int i = 0; i < ndaemons; i++)
					if (daemons[i].seen)
						printf(" %s:%ld", daemons[i].host,
						       daemons[i].last_kb);
				printf(" kB\n");
				fflush(stdout);
			}
		}
	}
	/* no more faults: wait for the last ones to be repaired */
	for (double end = now_s() + 60; pending_faults() && now_s() < end;) {
		int bufid = pvm_trecv(-1, -1, &tmo);

		if (bufid > 0)
			master_notify(bufid);
	}
	if (pending_faults()) {
		printf("soak: FAIL: faults not repaired within 60 s\n");
		fails++;
	}
	daemons_sample(NULL);
	for (int w = 0; w < nworkers; w++)
		if (workers[w].tid > 0 && !workers[w].doomed)
			nlive++;
	stopping = 1;
	broadcast_peers(TAG_STOP);
	for (double end = now_s() + 90; reports < nlive && now_s() < end;) {
		unsigned v[10];
		int bytes, tag, src, bufid = pvm_trecv(-1, -1, &tmo);

		if (bufid <= 0)
			continue;
		if (master_notify(bufid))
			continue;
		pvm_bufinfo(bufid, &bytes, &tag, &src);
		if (tag != TAG_REPORT)
			continue;
		reports++;
		pvm_upkuint(v, 5, 1);
		sent_live += v[1];
		sent_killed += v[2];
		send_errs += v[3];
		for (unsigned i = 0, n = v[4]; i < n; i++) {
			int alive;

			pvm_upkuint(v, 10, 1);
			alive = v[2] != 0;
			if (verbose)
				printf("soak: t%x from t%x/%x: alive %u fin %d distinct "
				       "%u dup %u "
				       "reorder %u corrupt %u missing %u next %u\n",
				       src, v[0], v[1], v[2], (int)v[3], v[4], v[5], v[6],
				       v[7], v[8], v[9]);
			received += v[4];
			dup += v[5];
			reorder += v[6];
			corrupt += v[7];
			lost_gap += v[8];
			if (!alive) {
				sent_by_killed += v[9];
			} else if (v[3] == ~0u) {
				no_fin++;
			} else if (v[3] > v[9]) {
				/* what never came past the last received */
				lost_live += v[3] - v[9];
			} else if (v[3] < v[9]) {
				/* more than was sent: numbers it never used */
				corrupt += v[9] - v[3];
			}
		}
	}
	printf("soak: sent %lu (by surviving tasks %lu, by killed tasks at least %lu)\n",
	       sent_live + sent_killed + sent_by_killed, sent_live + sent_killed,
	       sent_by_killed);
	printf("soak: sends attempted %lu (every task, as its reports each second say)\n",
	       progress_sent);
	printf("soak: received %lu\n", received);
	printf("soak: to killed tasks %lu (not lost: their receiver died)\n",
	       sent_killed);
	printf("soak: lost %lu (between surviving tasks %lu, gaps %lu)\n",
	       lost_live + lost_gap, lost_live, lost_gap);
	printf("soak: duplicated %lu reordered %lu corrupted %lu\n", dup, reorder,
	       corrupt);
	printf("soak: faults: tasks killed %lu, daemons killed %lu; unasked: task exits "
	       "%lu, "
	       "host deletions %lu; spawn failures %lu, re-add failures %lu, send errors "
	       "%lu\n",
	       kills_task, kills_daemon, unexpected_exits, unexpected_hostdel,
	       spawn_failures, addhost_failures, send_errs);
	printf("soak: reports %d of %d surviving workers, final counts missing %lu\n",
	       reports, nlive, no_fin);
	for (int i = 0; i < ndaemons; i++)
		printf("soak: daemon %s pid %d rss first %ld max %ld last %ld kB%s\n",
		       daemons[i].host, daemons[i].pid, daemons[i].first_kb,
		       daemons[i].max_kb, daemons[i].last_kb,
		       daemons[i].seen ? "" : " (killed)");
	fails += lost_live + lost_gap + dup + reorder + corrupt > 0;
	fails += unexpected_exits + unexpected_hostdel > 0;
	fails += reports < nlive || no_fin > 0 || nlive < 2;
	fails += received == 0;
	printf("soak: %s\n", fails ? "FAIL" : "PASS");
	fflush(stdout);
	/* the workers that reported have exited; end those that did not */
	pvm_setopt(PvmAutoErr, 0);
	for (int w = 0; w < nworkers; w++)
		if (workers[w].tid > 0)
			pvm_kill(workers[w].tid);
	pvm_exit();
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned seed;

	if ((mytid = pvm_mytid()) < 0)
		return 2;
	seed = (unsigned)env_long("SOAK_SEED", 0);
	if (seed == 0)
		seed = (unsigned)time(NULL);
	/* every task its own stream, reproducible for the same seed and tid */
	rng_state = ((uint64_t)seed << 32 | (unsigned)mytid) * 0x9E3779B97F4A7C15ull + 1;
	mynonce = (unsigned)(rng_next() >> 32) | 1;
	if (argc >= 4 && strcmp(argv[1], "master") == 0)
		return master(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "worker") == 0) {
		int rc = worker();

		pvm_exit();
		return rc;
	}
	fprintf(stderr, "usage: soak_t master SECONDS WORKERS [KILLABLE-HOST...]\n");
	return 2;
}
