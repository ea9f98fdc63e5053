/*
 * log.h - one line per event, with a level; PVMX_DEBUG or log_set_level()
 * chooses how much is written.  The daemon writes to its log file, tools
 * and the library to stderr.
 */
#ifndef PVMX_LOG_H
#define PVMX_LOG_H

#include <stddef.h>
#include <stdio.h>

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

void log_init(const char *ident, FILE *out);
void log_set_level(enum log_level level);
int log_enabled(enum log_level level);
int log_current_level(void);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A buffer that log_printable() never overflows and that holds any name
 * worth logging whole. */
#define LOG_PRINTABLE_LEN 256

/* s with its control characters (and DEL) replaced by '?', cut to fit buf
 * (len bytes, at least 1): safe in a log line whatever a peer sent.
 * Returns buf, so two calls with two buffers can share one log line. */
const char *log_printable(char *buf, size_t len, const char *s);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
