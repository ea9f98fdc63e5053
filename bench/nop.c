/* nop.c - the task bench_spawn starts: register with the daemon, leave. */
#include <pvm3.h>

int main(void)
{
	pvm_mytid();
	pvm_exit();
	return 0;
}
