/*
 * shm_region.c - shared-memory regions: their creation and removal (the
 * daemon's part) and mapping one with every field of its header checked,
 * since whoever else maps it may have scribbled on it.
 */
#include "shm_impl.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const char *shm_strerror(int status)
{
	switch (status) {
	case SHM_OK:
		return "success";
	case SHM_INPROGRESS:
		return "large send in progress";
	case SHM_AGAIN:
		return "ring full, try again";
	case SHM_FULL:
		return "no free slot in the peer's region";
	case SHM_EINVAL:
		return "invalid argument";
	case SHM_ESYS:
		return "system call failed";
	case SHM_EBADREGION:
		return "damaged or foreign shared-memory region";
	case SHM_EPEER:
		return "peer gone or broke the protocol";
	case SHM_ENOMEM:
		return "out of memory";
	case SHM_ETOOBIG:
		return "message too long for the receiver";
	case SHM_EEXIST:
		return "region exists";
	}
	return "unknown shm status";
}

/* "/name": one leading slash, none after, short enough for NAME_MAX. */
int shm_name_ok(const char *name)
{
	size_t n;

	if (name == NULL || name[0] != '/')
		return 0;
	n = strlen(name);
	return n >= 2 && n <= NAME_MAX && strchr(name + 1, '/') == NULL;
}

static int ring_ok(uint64_t ring_bytes)
{
	return ring_bytes >= SHM_MIN_RING && ring_bytes <= SHM_MAX_RING &&
	       (ring_bytes & (ring_bytes - 1)) == 0;
}

static size_t data_offset(uint32_t nslots)
{
	size_t ctl = SHM_HEADER_BYTES + (size_t)nslots * SHM_SLOT_BYTES;

	return (ctl + SHM_PAGE - 1) / SHM_PAGE * SHM_PAGE;
}

size_t shm_region_size(uint32_t nslots, size_t ring_bytes)
{
	if (nslots < 1 || nslots > SHM_MAX_SLOTS || !ring_ok(ring_bytes))
		return 0;
	/* at most 4 KiB + 256 KiB + 1024 * 64 MiB: no overflow in 64 bits */
	return data_offset(nslots) + (size_t)nslots * ring_bytes;
}

int shm_region_create(const char *name, int32_t owner_tid, uint32_t nslots,
                      size_t ring_bytes)
{
	size_t total = shm_region_size(nslots, ring_bytes);
	struct shm_region_hdr *h;
	void *p;
	int fd, r, err;

	if (!shm_name_ok(name) || total == 0 || owner_tid <= 0 ||
	    ((uint32_t)owner_tid & ~SHM_OWNER_TID) != 0)
		return SHM_EINVAL;
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return SHM_EEXIST;
		log_error("shm: cannot create %s: %s", name, strerror(errno));
		return SHM_ESYS;
	}
	/* reserve it all: a full tmpfs fails here, not with SIGBUS later */
	r = posix_fallocate(fd, 0, (off_t)total);
	if (r != 0) {
		log_error("shm: cannot reserve %zu bytes for %s: %s", total, name,
		          strerror(r));
		err = r;
		goto fail;
	}
	p = mmap(NULL, SHM_HEADER_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		err = errno;
		log_error("shm: cannot map %s: %s", name, strerror(err));
		goto fail;
	}
	h = p;
	h->version = SHM_VERSION;
	h->header_bytes = SHM_HEADER_BYTES;
	h->slot_bytes = SHM_SLOT_BYTES;
	h->nslots = nslots;
	h->owner_tid = owner_tid;
	h->ring_bytes = ring_bytes;
	h->total_bytes = total;
	/* the slots and counters are zero from the fallocate */
	atomic_store_explicit((_Atomic uint32_t *)(void *)&h->magic, SHM_MAGIC,
	                      memory_order_release);
	munmap(p, SHM_HEADER_BYTES);
	close(fd);
	return SHM_OK;
fail:
	shm_unlink(name);
	close(fd);
	errno = err;
	return SHM_ESYS;
}

int shm_region_unlink(const char *name)
{
	if (!shm_name_ok(name))
		return SHM_EINVAL;
	if (shm_unlink(name) < 0) {
		if (errno != ENOENT)
			log_error("shm: cannot unlink %s: %s", name, strerror(errno));
		return SHM_ESYS;
	}
	return SHM_OK;
}

/* The header's fixed fields against each other and the file's size. */
static int header_ok(const struct shm_region_hdr *h, size_t file_size, const char **why)
{
	size_t total;

	if (h->magic != SHM_MAGIC)
		return *why = "bad magic", 0;
	if (h->version != SHM_VERSION)
		return *why = "unknown version", 0;
	if (h->header_bytes != SHM_HEADER_BYTES || h->slot_bytes != SHM_SLOT_BYTES)
		return *why = "bad header or slot size", 0;
	total = shm_region_size(h->nslots, h->ring_bytes);
	if (total == 0)
		return *why = "bad slot count or ring size", 0;
	if (h->total_bytes != total || file_size != total)
		return *why = "size does not match", 0;
	if (h->owner_tid <= 0)
		return *why = "bad owner tid", 0;
	return 1;
}

int shm_map_open(const char *name, struct shm_map *m)
{
	struct shm_region_hdr copy;
	const char *why = NULL;
	struct stat st;
	ssize_t got;
	void *p;
	int fd;

	memset(m, 0, sizeof(*m));
	if (!shm_name_ok(name))
		return SHM_EINVAL;
	fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0) {
		if (errno != ENOENT)
			log_warn("shm: cannot open %s: %s", name, strerror(errno));
		return SHM_ESYS;
	}
	if (fstat(fd, &st) < 0) {
		log_warn("shm: cannot stat %s: %s", name, strerror(errno));
		close(fd);
		return SHM_ESYS;
	}
	/* its daemon creates it, then sizes and fills it: a sender that
	 * found the name in between tries again later, without a word */
	if (st.st_uid == geteuid() && (st.st_mode & 077) == 0 && st.st_size == 0) {
		close(fd);
		errno = EAGAIN;
		return SHM_ESYS;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0 ||
	    (size_t)st.st_size < SHM_HEADER_BYTES) {
		log_warn("shm: %s: not ours, open to others, or too short", name);
		close(fd);
		return SHM_EBADREGION;
	}
	got = pread(fd, &copy, sizeof(copy), 0);
	if (got == (ssize_t)sizeof(copy) && copy.magic == 0) {
		close(fd); /* (being filled: as above) */
		errno = EAGAIN;
		return SHM_ESYS;
	}
	if (got != (ssize_t)sizeof(copy) || !header_ok(&copy, (size_t)st.st_size, &why)) {
		log_warn("shm: %s: %s", name, why != NULL ? why : "unreadable header");
		close(fd);
		return SHM_EBADREGION;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		log_warn("shm: cannot map %s: %s", name, strerror(errno));
		return SHM_ESYS;
	}
	/* from here on only the copy's dimensions are used */
	m->base = p;
	m->size = (size_t)st.st_size;
	m->nslots = copy.nslots;
	m->ring_bytes = copy.ring_bytes;
	m->data_off = data_offset(copy.nslots);
	return SHM_OK;
}

void shm_map_close(struct shm_map *m)
{
	if (m->base != NULL)
		munmap(m->base, m->size);
	memset(m, 0, sizeof(*m));
}

struct shm_note {
	struct shm_region_hdr *hdr; /* the header page, mapped */
};

int shm_note_open(const char *name, struct shm_note **out)
{
	const char *why = NULL;
	struct shm_note *n;
	struct stat st;
	void *p;
	int fd;

	*out = NULL;
	if (!shm_name_ok(name))
		return SHM_EINVAL;
	fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0) {
		log_warn("shm: cannot open %s: %s", name, strerror(errno));
		return SHM_ESYS;
	}
	if (fstat(fd, &st) < 0 || (size_t)st.st_size < SHM_HEADER_BYTES) {
		log_warn("shm: %s: cannot stat, or too short", name);
		close(fd);
		return SHM_EBADREGION;
	}
	p = mmap(NULL, SHM_HEADER_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		log_warn("shm: cannot map %s: %s", name, strerror(errno));
		return SHM_ESYS;
	}
	if (!header_ok(p, (size_t)st.st_size, &why) || (n = malloc(sizeof(*n))) == NULL) {
		if (why != NULL)
			log_warn("shm: %s: %s", name, why);
		munmap(p, SHM_HEADER_BYTES);
		return why != NULL ? SHM_EBADREGION : SHM_ENOMEM;
	}
	n->hdr = p;
	*out = n;
	return SHM_OK;
}

void shm_note_bump(struct shm_note *n)
{
	if (n != NULL)
		atomic_fetch_add_explicit(&n->hdr->daemon_note, 1, memory_order_release);
}

void shm_note_close(struct shm_note *n)
{
	if (n == NULL)
		return;
	munmap(n->hdr, SHM_HEADER_BYTES);
	free(n);
}
