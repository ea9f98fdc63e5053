/*
 * env.c - env_long (env.h).
 */
#include "env.h"

#include <errno.h>
#include <stdlib.h>

long env_long(const char *name, long lo, long hi, long dflt)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return dflt;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return dflt;
	return v;
}
