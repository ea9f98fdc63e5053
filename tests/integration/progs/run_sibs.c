/*
 * run_sibs.c - for pvmrun's tests: prints "rank R sibling I of N" (its
 * PVMX_RANK, its place in pvm_siblings and their count) and where it
 * runs (its daemon's PVM_TMP's last part).
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	const char *r = getenv("PVMX_RANK"), *tmp = getenv("PVM_TMP");
	const char *host = tmp != NULL && strrchr(tmp, '/') ? strrchr(tmp, '/') + 1 : "?";
	int me = pvm_mytid(), *sibs, n, i;

	if (me < 0)
		return 1;
	n = pvm_siblings(&sibs);
	for (i = 0; i < n && sibs[i] != me; i++)
		;
	printf("rank %s sibling %d of %d on %s\n", r != NULL ? r : "-", i, n, host);
	pvm_exit();
	return 0;
}
