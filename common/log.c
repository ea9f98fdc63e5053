/*
 * log.c - levelled one-line logging with a timestamp and an identity.
 */
#include "log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_ident = "pvmx";
static FILE *log_out;
static int log_level = -1;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_init(const char *ident, FILE *out)
{
	log_ident = ident;
	log_out = out;
}

static int level_from_env(void)
{
	const char *s = getenv("PVMX_DEBUG");

	if (s == NULL || *s == '\0')
		return LOG_WARN;
	if (strcmp(s, "debug") == 0)
		return LOG_DEBUG;
	if (strcmp(s, "info") == 0)
		return LOG_INFO;
	if (strcmp(s, "error") == 0)
		return LOG_ERROR;
	if (strcmp(s, "warn") == 0)
		return LOG_WARN;
	return atoi(s) > 0 ? LOG_DEBUG : LOG_WARN;
}

void log_set_level(enum log_level level) { log_level = (int)level; }

int log_enabled(enum log_level level)
{
	if (log_level < 0)
		log_level = level_from_env();
	return (int)level <= log_level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	FILE *out = log_out != NULL ? log_out : stderr;
	char stamp[32];
	struct tm tm;
	time_t now;
	va_list ap;

	if (!log_enabled(level))
		return;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(out, "%s %s[%d] %s: ", stamp, log_ident, (int)getpid(),
		level_names[level]);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}

int log_current_level(void)
{
	if (log_level < 0)
		log_level = level_from_env();
	return log_level;
}

const char *log_printable(char *buf, size_t len, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		buf[i] = (unsigned char)s[i] < 32 || s[i] == 127 ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}
