/*
 * mhd_shim.c - the libmicrohttpd functions server.c calls, forwarding to
 * libmicrohttpd.so.12 opened on first use (util/dynlib.h says why): only
 * `strata studio` serves HTTP.  The two variadic ones need care:
 * MHD_start_daemon goes through MHD_start_daemon_va exactly as the
 * library's own does, and MHD_get_daemon_info reads no variadic arguments
 * for any info type (it is "reserved"), so the fixed ones suffice.
 */
#include <stdarg.h>
#include <stdint.h>

#include <microhttpd.h>

#include "util/dynlib.h"

#define SYMBOLS(X) \
	X(MHD_add_response_header) X(MHD_create_response_from_buffer) \
	X(MHD_destroy_response) X(MHD_get_daemon_info) \
	X(MHD_lookup_connection_value) X(MHD_queue_response) \
	X(MHD_start_daemon_va) X(MHD_stop_daemon)

ST_DYNLIB_DEFINE(libmhd, "libmicrohttpd.so.12", "libmicrohttpd12", SYMBOLS);
#define REAL(f) ST_DYNLIB_REAL(libmhd, f)

struct MHD_Daemon *
MHD_start_daemon(unsigned int flags, uint16_t port,
		 MHD_AcceptPolicyCallback apc, void *apc_cls,
		 MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	struct MHD_Daemon *d;
	va_list ap;

	va_start(ap, dh_cls);
	d = REAL(MHD_start_daemon_va)(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

void
MHD_stop_daemon(struct MHD_Daemon *daemon)
{
	REAL(MHD_stop_daemon)(daemon);
}

const union MHD_DaemonInfo *
MHD_get_daemon_info(struct MHD_Daemon *daemon,
		    enum MHD_DaemonInfoType info_type, ...)
{
	return REAL(MHD_get_daemon_info)(daemon, info_type);
}

const char *
MHD_lookup_connection_value(struct MHD_Connection *connection,
			    enum MHD_ValueKind kind, const char *key)
{
	return REAL(MHD_lookup_connection_value)(connection, kind, key);
}

struct MHD_Response *
MHD_create_response_from_buffer(size_t size, void *buffer,
				enum MHD_ResponseMemoryMode mode)
{
	return REAL(MHD_create_response_from_buffer)(size, buffer, mode);
}

enum MHD_Result
MHD_add_response_header(struct MHD_Response *response, const char *header,
			const char *content)
{
	return REAL(MHD_add_response_header)(response, header, content);
}

enum MHD_Result
MHD_queue_response(struct MHD_Connection *connection,
		   unsigned int status_code, struct MHD_Response *response)
{
	return REAL(MHD_queue_response)(connection, status_code, response);
}

void
MHD_destroy_response(struct MHD_Response *response)
{
	REAL(MHD_destroy_response)(response);
}
