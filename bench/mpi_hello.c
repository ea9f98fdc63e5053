/*
 * mpi_hello.c - the start-up benchmark's MPI hello (bench/run-startup.sh):
 * every rank but 0 sends one int to rank 0, which prints one line.
 */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	int rank, size, v;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (rank == 0) {
		for (int i = 1; i < size; i++)
			MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, 11, MPI_COMM_WORLD,
			         MPI_STATUS_IGNORE);
		printf("hello from %d ranks\n", size);
	} else {
		MPI_Send(&rank, 1, MPI_INT, 0, 11, MPI_COMM_WORLD);
	}
	MPI_Finalize();
	return 0;
}
