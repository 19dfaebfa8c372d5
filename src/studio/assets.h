/*
 * assets.h - the web page compiled into the binary.  The table is
 * GENERATED from web/ by tools/embed-assets.sh into $(BUILD)/gen/assets.c;
 * nobody edits it by hand.
 */
#ifndef ST_STUDIO_ASSETS_H
#define ST_STUDIO_ASSETS_H

#include <stddef.h>

typedef struct st_asset {
	const char *path;          /* "index.html", relative to web/ */
	const char *content_type;  /* "text/html; charset=utf-8" */
	const unsigned char *data;
	size_t len;
} st_asset;

extern const st_asset st_studio_assets[];
extern const size_t st_studio_asset_count;

#endif
