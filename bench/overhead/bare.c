/* The bare libmongoc loop Preflight's per-operation cost is measured against: the same
 * work as the file `generate.py N` writes, with nothing between the program and the
 * server but libmongoc. Connect, then N times insertOne {_id: i, sku, qty}; then N times
 * find {_id: i}, reading the reply and comparing the document with what was inserted,
 * as Preflight's `expect` does; then drop the database. Its wall time is the process's.
 *
 * Two variants add, in C, the least a scenario runner does besides:
 *   --monitored  command monitoring on, each command and reply copied out of its
 *                callback, as a command log that keeps them must (Preflight's does);
 *   --json       that, and each step read from its JSON text with libbson's JSON
 *                reader, as the scenario file writes it but with its variable already
 *                substituted (the `sku` the file takes from `skus`); the found document
 *                is compared whole with the expected one.
 *
 * Build: cc -O2 bare.c $(pkg-config --cflags --libs libmongoc-1.0) -o bare
 * Run:   ./bare URI DATABASE N [--monitored | --json] */
#include <mongoc/mongoc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what, const bson_error_t *error) {
    fprintf(stderr, "bare: %s: %s\n", what, error->message);
    exit(1);
}

/* What the monitoring callbacks copied, held for a while as a log holds it. */
#define KEPT 64
static bson_t *kept[KEPT];
static int kept_count;

static void keep(const bson_t *document) {
    if (kept_count == KEPT) {
        for (int i = 0; i < KEPT; i++) bson_destroy(kept[i]);
        kept_count = 0;
    }
    kept[kept_count++] = bson_copy(document);
}

static void started(const mongoc_apm_command_started_t *event) { keep(mongoc_apm_command_started_get_command(event)); }
static void succeeded(const mongoc_apm_command_succeeded_t *event) { keep(mongoc_apm_command_succeeded_get_reply(event)); }
static void failed(const mongoc_apm_command_failed_t *event) { keep(mongoc_apm_command_failed_get_reply(event)); }

/* A step, read from its JSON text. */
static bson_t *read_step(const char *text) {
    bson_error_t error;
    bson_t *step = bson_new_from_json((const uint8_t *) text, -1, &error);
    if (!step) fail("reading a step", &error);
    return step;
}

/* The document or array under `key` in `step`, in `out`, pointing into `step`. */
static void field(const bson_t *step, const char *key, bson_t *out) {
    bson_iter_t iter;
    uint32_t length;
    const uint8_t *data;
    if (!bson_iter_init_find(&iter, step, key)) {
        fprintf(stderr, "bare: a step without %s\n", key);
        exit(1);
    }
    if (BSON_ITER_HOLDS_ARRAY(&iter)) bson_iter_array(&iter, &length, &data);
    else if (BSON_ITER_HOLDS_DOCUMENT(&iter)) bson_iter_document(&iter, &length, &data);
    else {
        fprintf(stderr, "bare: a step's %s is neither a document nor an array\n", key);
        exit(1);
    }
    bson_init_static(out, data, length);
}

int main(int argc, char **argv) {
    int json = argc == 5 && strcmp(argv[4], "--json") == 0;
    int monitored = json || (argc == 5 && strcmp(argv[4], "--monitored") == 0);
    if (argc != 4 && !monitored) {
        fprintf(stderr, "usage: bare URI DATABASE N [--monitored | --json]\n");
        return 64;
    }
    const char *uri_string = argv[1], *database = argv[2];
    long n = strtol(argv[3], NULL, 10);
    bson_error_t error;

    mongoc_init();
    mongoc_uri_t *uri = mongoc_uri_new_with_error(uri_string, &error);
    if (!uri) fail("the URI", &error);
    /* A single-threaded client: no monitor thread to wait for at the end, the quickest
     * way libmongoc has to run a loop like this one. */
    mongoc_client_t *client = mongoc_client_new_from_uri(uri);
    mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2);
    if (monitored) {
        mongoc_apm_callbacks_t *callbacks = mongoc_apm_callbacks_new();
        mongoc_apm_set_command_started_cb(callbacks, started);
        mongoc_apm_set_command_succeeded_cb(callbacks, succeeded);
        mongoc_apm_set_command_failed_cb(callbacks, failed);
        mongoc_client_set_apm_callbacks(client, callbacks, NULL);
        mongoc_apm_callbacks_destroy(callbacks);
    }
    mongoc_collection_t *items = mongoc_client_get_collection(client, database, "items");

    char sku[32], text[256];
    for (long i = 0; i < n; i++) {
        snprintf(sku, sizeof sku, "sku-%ld", i);
        bson_t *document, *step = NULL, in_step;
        if (json) {
            snprintf(text, sizeof text, "{\"insertOne\":\"items\",\"document\":{\"_id\":%ld,\"sku\":\"%s\",\"qty\":%ld}}", i, sku,
                     i % 7);
            step = read_step(text);
            field(step, "document", &in_step);
            document = &in_step;
        } else {
            document = BCON_NEW("_id", BCON_INT32((int32_t) i), "sku", BCON_UTF8(sku), "qty", BCON_INT32((int32_t) (i % 7)));
        }
        if (!mongoc_collection_insert_one(items, document, NULL, NULL, &error)) fail("insertOne", &error);
        bson_destroy(step ? step : document);
    }
    for (long i = 0; i < n; i++) {
        snprintf(sku, sizeof sku, "sku-%ld", i);
        bson_t *filter, *step = NULL, in_step, expected_list, expected;
        if (json) {
            snprintf(text, sizeof text,
                     "{\"find\":\"items\",\"filter\":{\"_id\":%ld},\"expect\":[{\"_id\":%ld,\"sku\":\"%s\",\"qty\":%ld}],\"save\":\"found\"}",
                     i, i, sku, i % 7);
            step = read_step(text);
            field(step, "filter", &in_step);
            filter = &in_step;
            field(step, "expect", &expected_list);
            bson_iter_t first;
            uint32_t length;
            const uint8_t *data;
            if (!bson_iter_init(&first, &expected_list) || !bson_iter_next(&first) || !BSON_ITER_HOLDS_DOCUMENT(&first)) {
                fprintf(stderr, "bare: find %ld expects no document\n", i);
                return 1;
            }
            bson_iter_document(&first, &length, &data);
            bson_init_static(&expected, data, length);
        } else {
            filter = BCON_NEW("_id", BCON_INT32((int32_t) i));
        }
        mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(items, filter, NULL, NULL);
        const bson_t *found;
        int count = 0;
        while (mongoc_cursor_next(cursor, &found)) {
            bson_iter_t value;
            int same = json ? bson_equal(found, &expected)
                            : bson_iter_init_find(&value, found, "sku") && strcmp(bson_iter_utf8(&value, NULL), sku) == 0 &&
                                  bson_iter_init_find(&value, found, "qty") && bson_iter_as_int64(&value) == i % 7;
            if (!same) {
                fprintf(stderr, "bare: find %ld returned another document\n", i);
                return 1;
            }
            count++;
        }
        if (mongoc_cursor_error(cursor, &error)) fail("find", &error);
        if (count != 1) {
            fprintf(stderr, "bare: find %ld returned %d documents\n", i, count);
            return 1;
        }
        mongoc_cursor_destroy(cursor);
        bson_destroy(step ? step : filter);
    }
    mongoc_database_t *db = mongoc_client_get_database(client, database);
    if (!mongoc_database_drop(db, &error)) fail("dropDatabase", &error);
    mongoc_database_destroy(db);
    mongoc_collection_destroy(items);
    mongoc_client_destroy(client);
    mongoc_uri_destroy(uri);
    mongoc_cleanup();
    return 0;
}
