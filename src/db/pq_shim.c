/*
 * pq_shim.c - the libpq functions strata calls, forwarding to libpq.so.5
 * opened on first use (util/dynlib.h says why).  Each has libpq-fe.h's
 * exact signature, so callers and tests use libpq as usual; a function
 * newly used elsewhere must be added here, or the link fails naming it.
 */
#include <libpq-fe.h>

#include "util/dynlib.h"

#define SYMBOLS(X) \
	X(PQbackendPID) X(PQcancel) X(PQclear) X(PQcmdTuples) \
	X(PQconnectdbParams) X(PQconninfoFree) X(PQconninfoParse) X(PQdb) \
	X(PQenterPipelineMode) X(PQerrorMessage) X(PQexec) X(PQexecParams) \
	X(PQexitPipelineMode) X(PQfinish) X(PQfname) X(PQfreeCancel) \
	X(PQfreemem) X(PQftype) X(PQgetCancel) X(PQgetCopyData) \
	X(PQgetResult) X(PQgetisnull) X(PQgetvalue) X(PQnfields) \
	X(PQntuples) X(PQpipelineStatus) X(PQpipelineSync) X(PQputCopyEnd) \
	X(PQresultErrorField) X(PQresultErrorMessage) X(PQresultStatus) \
	X(PQsendQuery) X(PQsendQueryParams) X(PQserverVersion) \
	X(PQsetNoticeProcessor) X(PQsocket) X(PQstatus) \
	X(PQtransactionStatus)

ST_DYNLIB_DEFINE(libpq, "libpq.so.5", "libpq5", SYMBOLS);
#define REAL(f) ST_DYNLIB_REAL(libpq, f)

/* ==== connections ==== */

PGconn *
PQconnectdbParams(const char *const *keywords, const char *const *values,
		  int expand_dbname)
{
	return REAL(PQconnectdbParams)(keywords, values, expand_dbname);
}

void
PQfinish(PGconn *conn)
{
	REAL(PQfinish)(conn);
}

PQconninfoOption *
PQconninfoParse(const char *conninfo, char **errmsg)
{
	return REAL(PQconninfoParse)(conninfo, errmsg);
}

void
PQconninfoFree(PQconninfoOption *connOptions)
{
	REAL(PQconninfoFree)(connOptions);
}

ConnStatusType
PQstatus(const PGconn *conn)
{
	return REAL(PQstatus)(conn);
}

PGTransactionStatusType
PQtransactionStatus(const PGconn *conn)
{
	return REAL(PQtransactionStatus)(conn);
}

char *
PQdb(const PGconn *conn)
{
	return REAL(PQdb)(conn);
}

int
PQserverVersion(const PGconn *conn)
{
	return REAL(PQserverVersion)(conn);
}

char *
PQerrorMessage(const PGconn *conn)
{
	return REAL(PQerrorMessage)(conn);
}

int
PQsocket(const PGconn *conn)
{
	return REAL(PQsocket)(conn);
}

int
PQbackendPID(const PGconn *conn)
{
	return REAL(PQbackendPID)(conn);
}

PQnoticeProcessor
PQsetNoticeProcessor(PGconn *conn, PQnoticeProcessor proc, void *arg)
{
	return REAL(PQsetNoticeProcessor)(conn, proc, arg);
}

PGcancel *
PQgetCancel(PGconn *conn)
{
	return REAL(PQgetCancel)(conn);
}

void
PQfreeCancel(PGcancel *cancel)
{
	REAL(PQfreeCancel)(cancel);
}

int
PQcancel(PGcancel *cancel, char *errbuf, int errbufsize)
{
	return REAL(PQcancel)(cancel, errbuf, errbufsize);
}

void
PQfreemem(void *ptr)
{
	REAL(PQfreemem)(ptr);
}

/* ==== queries ==== */

PGresult *
PQexec(PGconn *conn, const char *query)
{
	return REAL(PQexec)(conn, query);
}

PGresult *
PQexecParams(PGconn *conn, const char *command, int nParams,
	     const Oid *paramTypes, const char *const *paramValues,
	     const int *paramLengths, const int *paramFormats, int resultFormat)
{
	return REAL(PQexecParams)(conn, command, nParams, paramTypes,
				  paramValues, paramLengths, paramFormats,
				  resultFormat);
}

int
PQsendQuery(PGconn *conn, const char *query)
{
	return REAL(PQsendQuery)(conn, query);
}

int
PQsendQueryParams(PGconn *conn, const char *command, int nParams,
		  const Oid *paramTypes, const char *const *paramValues,
		  const int *paramLengths, const int *paramFormats,
		  int resultFormat)
{
	return REAL(PQsendQueryParams)(conn, command, nParams, paramTypes,
				       paramValues, paramLengths, paramFormats,
				       resultFormat);
}

PGresult *
PQgetResult(PGconn *conn)
{
	return REAL(PQgetResult)(conn);
}

int
PQenterPipelineMode(PGconn *conn)
{
	return REAL(PQenterPipelineMode)(conn);
}

int
PQexitPipelineMode(PGconn *conn)
{
	return REAL(PQexitPipelineMode)(conn);
}

int
PQpipelineSync(PGconn *conn)
{
	return REAL(PQpipelineSync)(conn);
}

PGpipelineStatus
PQpipelineStatus(const PGconn *conn)
{
	return REAL(PQpipelineStatus)(conn);
}

int
PQputCopyEnd(PGconn *conn, const char *errormsg)
{
	return REAL(PQputCopyEnd)(conn, errormsg);
}

int
PQgetCopyData(PGconn *conn, char **buffer, int async)
{
	return REAL(PQgetCopyData)(conn, buffer, async);
}

/* ==== results ==== */

ExecStatusType
PQresultStatus(const PGresult *res)
{
	return REAL(PQresultStatus)(res);
}

char *
PQresultErrorMessage(const PGresult *res)
{
	return REAL(PQresultErrorMessage)(res);
}

char *
PQresultErrorField(const PGresult *res, int fieldcode)
{
	return REAL(PQresultErrorField)(res, fieldcode);
}

int
PQntuples(const PGresult *res)
{
	return REAL(PQntuples)(res);
}

int
PQnfields(const PGresult *res)
{
	return REAL(PQnfields)(res);
}

char *
PQfname(const PGresult *res, int field_num)
{
	return REAL(PQfname)(res, field_num);
}

Oid
PQftype(const PGresult *res, int field_num)
{
	return REAL(PQftype)(res, field_num);
}

char *
PQgetvalue(const PGresult *res, int tup_num, int field_num)
{
	return REAL(PQgetvalue)(res, tup_num, field_num);
}

int
PQgetisnull(const PGresult *res, int tup_num, int field_num)
{
	return REAL(PQgetisnull)(res, tup_num, field_num);
}

char *
PQcmdTuples(PGresult *res)
{
	return REAL(PQcmdTuples)(res);
}

void
PQclear(PGresult *res)
{
	REAL(PQclear)(res);
}
