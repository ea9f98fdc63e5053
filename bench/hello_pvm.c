/*
 * hello_pvm.c - the start-up benchmark's PVM hello (bench/run-startup.sh):
 * under `pvmrun -np N`, every rank but 0 sends one message to rank 0,
 * which takes them all and prints one line.  Rank 0's tid is found in
 * the mailbox (PVM's way for tasks spawned apart to meet).
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>

#define HELLO_TAG 11

int main(void)
{
	const char *r = getenv("PVMX_RANK"), *s = getenv("PVMX_SIZE");
	int rank = r != NULL ? atoi(r) : 0, size = s != NULL ? atoi(s) : 1;
	int me = pvm_mytid(), root, buf;

	if (me < 0)
		return 1;
	if (rank == 0) {
		buf = pvm_initsend(PvmDataDefault);
		pvm_pkint(&me, 1, 1);
		if (pvm_putinfo("hello_pvm", buf, PvmMboxDefault) < 0)
			return 1;
		for (int i = 1; i < size; i++)
			if (pvm_recv(-1, HELLO_TAG) < 0)
				return 1;
		printf("hello from %d ranks\n", size);
	} else {
		if (pvm_recvinfo("hello_pvm", 0, PvmMboxWaitForInfo) < 0 ||
		    pvm_upkint(&root, 1, 1) < 0)
			return 1;
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&rank, 1, 1);
		if (pvm_send(root, HELLO_TAG) < 0)
			return 1;
	}
	pvm_exit();
	return 0;
}
