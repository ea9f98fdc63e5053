/*
 * run_flood.c - heavy output for pvmrun: `run_flood N` writes N lines
 * "<rank> <i> <sum> <payload>" to stdout and every tenth also to stderr
 * prefixed "E", through stdio's full buffering (pipe writes cut lines
 * anywhere).  payload is i%97+1 letters; sum is a checksum of rank, i
 * and payload, so a reader can check each line alone.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	const char *r = getenv("PVMX_RANK");
	int rank = r != NULL ? atoi(r) : -1;
	char payload[100];

	for (long i = 0; i < n; i++) {
		int len = (int)(i % 97) + 1;
		/* reduced at every step, so awk's doubles can check it exactly */
		unsigned long sum =
		    ((unsigned long)rank * 1000003ul + (unsigned long)i) % 1000000007ul;

		for (int k = 0; k < len; k++) {
			payload[k] = (char)('a' + (i + k) % 26);
			sum = (sum * 31 + (unsigned char)payload[k]) % 1000000007ul;
		}
		payload[len] = '\0';
		printf("%d %ld %lu %s\n", rank, i, sum, payload);
		if (i % 10 == 0)
			fprintf(stderr, "E %d %ld %lu %s\n", rank, i, sum, payload);
	}
	return 0;
}
