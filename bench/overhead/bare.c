/* The bare libmongoc loop Preflight's per-operation cost is measured against: the same
 * work as the file `generate.py N` writes, with nothing between the program and the
 * server but libmongoc. Connect, then N times insertOne {_id: i, sku, qty}; then N times
 * find {_id: i}, reading the reply and comparing the document with what was inserted,
 * as Preflight's `expect` does; then drop the database. Its wall time is the process's.
 *
 * Build: cc -O2 bare.c $(pkg-config --cflags --libs libmongoc-1.0) -o bare
 * Run:   ./bare URI DATABASE N */
#include <mongoc/mongoc.h>
#include <stdio.h>
#include <stdlib.h>

static void fail(const char *what, const bson_error_t *error) {
    fprintf(stderr, "bare: %s: %s\n", what, error->message);
    exit(1);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: bare URI DATABASE N\n");
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
    mongoc_collection_t *items = mongoc_client_get_collection(client, database, "items");

    char sku[32];
    for (long i = 0; i < n; i++) {
        snprintf(sku, sizeof sku, "sku-%ld", i);
        bson_t *document = BCON_NEW("_id", BCON_INT32((int32_t) i), "sku", BCON_UTF8(sku), "qty", BCON_INT32((int32_t) (i % 7)));
        if (!mongoc_collection_insert_one(items, document, NULL, NULL, &error)) fail("insertOne", &error);
        bson_destroy(document);
    }
    for (long i = 0; i < n; i++) {
        bson_t *filter = BCON_NEW("_id", BCON_INT32((int32_t) i));
        mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(items, filter, NULL, NULL);
        const bson_t *found;
        int count = 0;
        while (mongoc_cursor_next(cursor, &found)) {
            bson_iter_t field;
            snprintf(sku, sizeof sku, "sku-%ld", i);
            if (!bson_iter_init_find(&field, found, "sku") || strcmp(bson_iter_utf8(&field, NULL), sku) != 0 ||
                !bson_iter_init_find(&field, found, "qty") || bson_iter_as_int64(&field) != i % 7) {
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
        bson_destroy(filter);
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
