/*
 * pvmtrace_json.c - the timeline as Chrome trace-event JSON (Perfetto and
 * chrome://tracing read it): a process per host, a thread per task, each
 * call an "X" slice, each message a flow ("s" at the send, "f" at the
 * receive, one id).  "pvmxMessages" lists the messages with both ends.
 */
#include "pvmtrace.h"

#include <pvm3.h>
#include <pvmtev.h>

/* PVM's event names (libpvm3 exports them; pvmtev.h does not declare it) */
extern struct Pvmtevinfo pvmtevinfo[];

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			fprintf(f, "\\u%04x", c); /* also safe inside <script> */
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static const char *kind_name(int kind)
{
	return kind >= TEV_FIRST && kind <= TEV_MAX && pvmtevinfo[kind].name != NULL
	           ? pvmtevinfo[kind].name
	           : "event";
}

static double rel(const struct timeline *tl, long long us)
{
	return (double)(us - tl->t0);
}

int write_chrome_json(const struct timeline *tl, FILE *f)
{
	const char *sep = "";

	fprintf(f, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
	for (size_t i = 0; i < tl->ntask; i++) {
		const struct ttask *t = &tl->task[i];
		char label[96];
		int host = timeline_host(t->tid), first = 1;

		for (size_t k = 0; k < i; k++)
			first &= timeline_host(tl->task[k].tid) != host;
		if (first) {
			snprintf(label, sizeof(label), "host t%x",
			         (unsigned)(host << 18));
			fprintf(f,
			        "%s{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%d,"
			        "\"args\":{\"name\":",
			        sep, host);
			json_string(f, label);
			fprintf(f, "}}");
			sep = ",\n";
		}
		snprintf(label, sizeof(label), "t%x %s", (unsigned)t->tid, t->name);
		fprintf(f,
		        "%s{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%d,\"tid\":%d,"
		        "\"args\":{\"name\":",
		        sep, host, t->tid);
		json_string(f, label);
		fprintf(f, "}}");
		sep = ",\n";
	}
	for (size_t i = 0; i < tl->nslice; i++) {
		const struct tslice *s = &tl->slice[i];

		fprintf(f, "%s{\"ph\":\"X\",\"cat\":\"pvm\",\"name\":", sep);
		json_string(f, kind_name(s->kind));
		fprintf(f,
		        ",\"pid\":%d,\"tid\":%d,\"ts\":%.0f,\"dur\":%lld,\"args\":{"
		        "\"peer\":%d,\"tag\":%d,\"n\":%d",
		        timeline_host(s->tid), s->tid, rel(tl, s->us), s->dur, s->a, s->b,
		        s->c);
		if (s->str[0] != '\0') {
			fprintf(f, ",\"name\":");
			json_string(f, s->str);
		}
		if (s->root >= 0)
			fprintf(f, ",\"root\":%d", s->root);
		fprintf(f, "}}");
		sep = ",\n";
	}
	for (size_t i = 0; i < tl->nmsg; i++) {
		const struct tmsg *m = &tl->msg[i];

		fprintf(f,
		        "%s{\"ph\":\"s\",\"cat\":\"msg\",\"name\":\"msg\",\"id\":%zu,"
		        "\"pid\":%d,\"tid\":%d,\"ts\":%.0f}",
		        sep, i + 1, timeline_host(m->src), m->src, rel(tl, m->send_us));
		if (m->recv_us >= 0)
			fprintf(f,
			        ",\n{\"ph\":\"f\",\"bp\":\"e\",\"cat\":\"msg\",\"name\":"
			        "\"msg\",\"id\":%zu,\"pid\":%d,\"tid\":%d,\"ts\":%.0f}",
			        i + 1, timeline_host(m->dst), m->dst,
			        rel(tl, m->recv_us));
		sep = ",\n";
	}
	fprintf(f, "\n],\n\"pvmxMessages\":[\n");
	sep = "";
	for (size_t i = 0; i < tl->nmsg; i++) {
		const struct tmsg *m = &tl->msg[i];

		fprintf(f,
		        "%s{\"id\":%zu,\"src\":%d,\"dst\":%d,\"tag\":%d,\"ctx\":%d,"
		        "\"bytes\":%d,\"route\":",
		        sep, i + 1, m->src, m->dst, m->tag, m->ctx, m->bytes);
		json_string(f, m->route);
		fprintf(f, ",\"send_ts\":%.0f,\"recv_ts\":", rel(tl, m->send_us));
		if (m->recv_us >= 0)
			fprintf(f, "%.0f}", rel(tl, m->recv_us));
		else
			fprintf(f, "null}");
		sep = ",\n";
	}
	fprintf(f, "\n],\n\"pvmxTasks\":[\n");
	sep = "";
	for (size_t i = 0; i < tl->ntask; i++) {
		const struct ttask *t = &tl->task[i];

		fprintf(f,
		        "%s{\"tid\":%d,\"host\":%d,\"parent\":%d,\"ended\":%s,\"name\":",
		        sep, t->tid, timeline_host(t->tid), t->parent,
		        t->ended ? "true" : "false");
		json_string(f, t->name);
		fprintf(f, "}");
		sep = ",\n";
	}
	fprintf(f, "\n],\n\"pvmxHosts\":[\n");
	sep = "";
	for (size_t i = 0; i < tl->nclock; i++) {
		const struct hostclock *c = &tl->clock[i];

		fprintf(f,
		        "%s{\"host\":%d,\"clock_offset_us\":%lld,\"clock_err_us\":%lld,"
		        "\"clock_source\":\"%s\",\"sync_rtt_us\":%lld}",
		        sep, c->host, c->offset_us, c->err_us, c->source, c->rtt_us);
		sep = ",\n";
	}
	fprintf(f, "\n]}\n");
	return ferror(f) ? -1 : 0;
}
