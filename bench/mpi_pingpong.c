/*
 * mpi_pingpong.c - the MPI counterpart of pingpong.c: rank 0 bounces byte
 * messages off rank 1 with MPI_Send/MPI_Recv, same sizes, warm-ups,
 * iteration counts and time budget, same output line:
 *   PINGPONG impl=openmpi route=R bytes=N iters=K half_rtt_us=X mbps=Y
 * Usage: mpirun -np 2 ... mpi_pingpong [ROUTE-NAME]   (default "tcp")
 * Built by bench/run-pingpong.sh with mpicc; not part of the CMake build.
 */
#include <mpi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BYTES (4 << 20)

static const struct {
	int bytes, warmup, iters;
} sizes[] = {
    {1, 100, 2000},   {8, 100, 2000},    {1024, 100, 2000},
    {65536, 20, 500}, {1 << 20, 5, 100}, {4 << 20, 3, 40},
};
#define MIN_ITERS 10
#define TIME_BUDGET_S 3.0

int main(int argc, char **argv)
{
	const char *route = argc > 1 ? argv[1] : "tcp";
	char *buf = malloc(MAX_BYTES);
	int rank, nranks;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &nranks);
	if (buf == NULL || nranks != 2) {
		if (rank == 0)
			fprintf(stderr, "mpi_pingpong: needs exactly 2 ranks\n");
		MPI_Abort(MPI_COMM_WORLD, 2);
	}
	memset(buf, 'x', MAX_BYTES);
	if (rank == 0) {
		char name[MPI_MAX_PROCESSOR_NAME];
		int nlen;

		MPI_Get_processor_name(name, &nlen);
		fprintf(stderr, "mpi_pingpong: rank 0 on %s\n", name);
	}
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		int len = sizes[s].bytes, k, last = 0;
		double t0 = 0;

		/* k < 0: warm-up.  Rank 0 marks the last round trip of a size
		 * with tag 2 (iterations done, or the time budget spent), so
		 * rank 1 follows without any extra message in the timed loop. */
		for (k = -sizes[s].warmup; !last; k++) {
			if (k == 0)
				t0 = MPI_Wtime();
			if (rank == 0) {
				last = k + 1 >= sizes[s].iters ||
				       (k + 1 >= MIN_ITERS &&
				        MPI_Wtime() - t0 > TIME_BUDGET_S);
				MPI_Send(buf, len, MPI_BYTE, 1, last ? 2 : 1,
				         MPI_COMM_WORLD);
				MPI_Recv(buf, len, MPI_BYTE, 1, 1, MPI_COMM_WORLD,
				         MPI_STATUS_IGNORE);
			} else {
				MPI_Status st;

				MPI_Recv(buf, len, MPI_BYTE, 0, MPI_ANY_TAG,
				         MPI_COMM_WORLD, &st);
				last = st.MPI_TAG == 2;
				MPI_Send(buf, len, MPI_BYTE, 0, 1, MPI_COMM_WORLD);
			}
		}
		if (rank == 0) {
			double t = MPI_Wtime() - t0;

			printf("PINGPONG impl=openmpi route=%s bytes=%d iters=%d "
			       "half_rtt_us=%.2f mbps=%.2f\n",
			       route, len, k, t / k / 2 * 1e6, len / (t / k / 2) / 1e6);
			fflush(stdout);
		}
	}
	MPI_Finalize();
	free(buf);
	return 0;
}
