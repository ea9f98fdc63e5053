/*
 * fpvm_mbox.c - the Fortran mailbox calls: put, receive and delete a
 * named entry, and walk the list of names.
 */
#include "fpvm.h"

#include "pvm3.h"

void pvmfputinfo_(char *name, int *bufid, int *flags, int *index, fstrlen name_len)
{
	char cname[FPVM_MBOX_MAX + 1];

	if (fpvm_cstr(cname, sizeof(cname), name, name_len) != 0) {
		*index = PvmBadParam;
		return;
	}
	*index = pvm_putinfo(cname, *bufid, *flags);
}

void pvmfrecvinfo_(char *name, int *index, int *flags, int *bufid, fstrlen name_len)
{
	char cname[FPVM_MBOX_MAX + 1];

	if (fpvm_cstr(cname, sizeof(cname), name, name_len) != 0) {
		*bufid = PvmBadParam;
		return;
	}
	*bufid = pvm_recvinfo(cname, *index, *flags);
}

void pvmfdelinfo_(char *name, int *index, int *flags, int *info, fstrlen name_len)
{
	char cname[FPVM_MBOX_MAX + 1];

	if (fpvm_cstr(cname, sizeof(cname), name, name_len) != 0) {
		*info = PvmBadParam;
		return;
	}
	*info = pvm_delinfo(cname, *index, *flags);
}

/*
 * pvmfgetmboxinfo(pattern, name, nclasses, nentries, index, owner,
 * flags, info): one class (name) matching pattern per call, from a list
 * taken at the first call; index, owner and flags get one element per
 * entry of the class (nentries of them).  info is 0 for a class, and
 * PvmNotFound once the list is done (the next call takes a new one, as
 * does a call with nclasses = -1).
 *
 * PVM 3.4.6's version never moves to the next class and leaves info
 * and nclasses unset; this one does what its manual page says.
 */
void pvmfgetmboxinfo_(char *pattern, char *name, int *nclasses, int *nentries, int *index,
                      int *owner, int *flags, int *info, fstrlen pattern_len,
                      fstrlen name_len)
{
	static struct pvmmboxinfo *list;
	static int count, next, taken;
	const struct pvmmboxinfo *c;

	if (taken && nclasses != NULL && *nclasses == -1)
		taken = 0;
	if (!taken) {
		char cpattern[FPVM_MBOX_MAX + 1];
		int cc;

		if (fpvm_cstr(cpattern, sizeof(cpattern), pattern, pattern_len) != 0) {
			*info = PvmBadParam;
			return;
		}
		cc = pvm_getmboxinfo(cpattern, &count, &list);
		if (cc < 0) {
			*info = cc;
			return;
		}
		taken = 1;
		next = 0;
	}
	if (next >= count) {
		taken = 0;
		if (nclasses != NULL)
			*nclasses = count;
		*info = PvmNotFound;
		return;
	}
	c = &list[next++];
	if (nclasses != NULL)
		*nclasses = count;
	fpvm_fstr(name, name_len, c->mi_name);
	if (nentries != NULL)
		*nentries = c->mi_nentries;
	for (int i = 0; i < c->mi_nentries; i++) {
		if (index != NULL)
			index[i] = c->mi_indices[i];
		if (owner != NULL)
			owner[i] = c->mi_owners[i];
		if (flags != NULL)
			flags[i] = c->mi_flags[i];
	}
	*info = PvmOk;
}
