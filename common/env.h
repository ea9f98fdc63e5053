/*
 * env.h - numeric settings from the environment (PVMX_* tuning knobs).
 */
#ifndef PVMX_ENV_H
#define PVMX_ENV_H

/* The decimal integer in environment variable name if it is one in
 * [lo, hi], else dflt (unset, empty, not a number, out of range). */
long env_long(const char *name, long lo, long hi, long dflt);

#endif
