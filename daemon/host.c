/*
 * host.c - this host's identity (name, architecture) and whether a name
 * given by a task (spawn's `where`, pvm_mstat) means this host.
 */
#include "pvmd.h"

#include "log.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

/* PVM's architecture names for Linux, from uname's machine. */
static void arch_from_machine(const char *m, char *out, size_t len)
{
	static const struct {
		const char *machine, *arch;
	} names[] = {
	    {"x86_64", "LINUX64"},
	    {"aarch64", "LINUXARM64"},
	    {"ppc64le", "LINUXPPC64LE"},
	    {"s390x", "LINUXS390X"},
	};
	size_t i, j;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(m, names[i].machine) == 0) {
			snprintf(out, len, "%s", names[i].arch);
			return;
		}
	}
	if (m[0] == 'i' && m[1] >= '3' && m[1] <= '6' && strcmp(m + 2, "86") == 0) {
		snprintf(out, len, "LINUX");
		return;
	}
	j = (size_t)snprintf(out, len, "LINUX");
	for (i = 0; m[i] != '\0' && j + 1 < len; i++) {
		if (isalnum((unsigned char)m[i]))
			out[j++] = (char)toupper((unsigned char)m[i]);
	}
	out[j] = '\0';
}

void host_init(void)
{
	struct utsname u;

	if (gethostname(pvmd.hostname, sizeof(pvmd.hostname) - 1) != 0 ||
	    pvmd.hostname[0] == '\0')
		snprintf(pvmd.hostname, sizeof(pvmd.hostname), "localhost");
	pvmd.hostname[sizeof(pvmd.hostname) - 1] = '\0';
	if (uname(&u) == 0)
		arch_from_machine(u.machine, pvmd.arch, sizeof(pvmd.arch));
	else
		snprintf(pvmd.arch, sizeof(pvmd.arch), "LINUX");
}

static int is_address(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* Compares two host names, either of which may be the short form of the
 * other ("node1" and "node1.example.org"); numeric addresses only match
 * exactly ("10.0.0.5" is not a long form of "10"). */
int host_same_name(const char *a, const char *b)
{
	size_t la = strcspn(a, "."), lb = strcspn(b, ".");

	if (strcasecmp(a, b) == 0)
		return 1;
	if (is_address(a) || is_address(b))
		return 0;
	return (a[la] == '\0' || b[lb] == '\0') && la == lb && la > 0 &&
	       strncasecmp(a, b, la) == 0;
}

/* A numeric address is ours when it is 127.0.0.1 or ::1 or sits on one
 * of our interfaces.  Names are never resolved: DNS would block the loop. */
static int address_is_mine(const char *s)
{
	struct in_addr a4;
	struct in6_addr a6;
	struct ifaddrs *ifa, *i;
	int family, mine = 0;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		family = AF_INET;
		/* 127.0.0.1 only: other loopback addresses may name other
		 * daemons on this machine (scripts/lo-rsh) */
		if (ntohl(a4.s_addr) == 0x7f000001)
			return 1;
	} else if (inet_pton(AF_INET6, s, &a6) == 1) {
		family = AF_INET6;
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return 1;
	} else {
		return 0;
	}
	if (getifaddrs(&ifa) != 0) {
		log_warn("getifaddrs: cannot list this host's addresses");
		return 0;
	}
	for (i = ifa; i != NULL && !mine; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != family)
			continue;
		if (family == AF_INET)
			mine = ((struct sockaddr_in *)(void *)i->ifa_addr)
			           ->sin_addr.s_addr == a4.s_addr;
		else
			mine =
			    memcmp(
			        &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr,
			        &a6, sizeof(a6)) == 0;
	}
	freeifaddrs(ifa);
	return mine;
}

int host_is_me(const char *name)
{
	if (name == NULL || *name == '\0')
		return 0;
	if (strcmp(name, ".") == 0 || strcasecmp(name, "localhost") == 0 ||
	    host_same_name(name, pvmd.hostname))
		return 1;
	return address_is_mine(name);
}

int host_arch_known(const char *arch)
{
	return arch != NULL && strcmp(arch, pvmd.arch) == 0;
}
