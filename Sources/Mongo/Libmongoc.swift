import CMongoC

/// libmongoc wants `mongoc_init()` once per process before anything else. A global `let`
/// is initialized lazily and exactly once, thread-safely, which is just that.
/// `mongoc_cleanup()` is left to process exit: it must not run while any client lives.
private let libmongocInitialized: Void = mongoc_init()

func initializeLibmongoc() {
    _ = libmongocInitialized
}
