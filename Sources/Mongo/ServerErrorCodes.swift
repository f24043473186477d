/// The names MongoDB gives its error codes, for replies that carry only the code (write
/// errors do: `{index, code, errmsg}`). Taken from the server's error_codes.yml; the codes
/// applications meet in practice.
enum ServerErrorCodes {
    static func name(for code: Int32) -> String? {
        names[code]
    }

    private static let names: [Int32: String] = [
        1: "InternalError", 2: "BadValue", 4: "NoSuchKey", 5: "GraphContainsCycle",
        6: "HostUnreachable", 7: "HostNotFound", 8: "UnknownError", 9: "FailedToParse",
        10: "CannotMutateObject", 11: "UserNotFound", 12: "UnsupportedFormat", 13: "Unauthorized",
        14: "TypeMismatch", 15: "Overflow", 16: "InvalidLength", 17: "ProtocolError",
        18: "AuthenticationFailed", 20: "IllegalOperation", 22: "InvalidBSON", 24: "LockTimeout",
        26: "NamespaceNotFound", 27: "IndexNotFound", 28: "PathNotViable", 29: "NonExistentPath",
        30: "InvalidPath", 31: "RoleNotFound", 33: "NoSuchSession",
        40: "ConflictingUpdateOperators", 43: "CursorNotFound", 46: "LockBusy", 48: "NamespaceExists",
        50: "MaxTimeMSExpired", 51: "DollarPrefixedFieldName", 52: "InvalidIdField", 53: "NotSingleValueField",
        54: "InvalidDBRef", 55: "EmptyFieldName", 56: "DottedFieldName", 59: "CommandNotFound",
        61: "ShardKeyNotFound", 63: "StaleShardVersion", 64: "WriteConcernFailed", 66: "ImmutableField",
        67: "CannotCreateIndex", 68: "IndexAlreadyExists", 72: "InvalidOptions", 73: "InvalidNamespace",
        79: "UnknownReplWriteConcern", 85: "IndexOptionsConflict", 86: "IndexKeySpecsConflict",
        89: "NetworkTimeout", 91: "ShutdownInProgress", 96: "OperationFailed", 100: "UnsatisfiableWriteConcern",
        112: "WriteConflict", 115: "CommandNotSupported", 121: "DocumentValidationFailure",
        133: "FailedToSatisfyReadPreference", 134: "ReadConcernMajorityNotAvailableYet",
        136: "CappedPositionLost", 148: "ReadConcernMajorityNotEnabled", 166: "CommandNotSupportedOnView",
        167: "OptionNotSupportedOnView", 189: "PrimarySteppedDown", 202: "NetworkInterfaceExceededTimeLimit",
        211: "KeyNotFound", 225: "TransactionTooOld", 244: "TransactionAborted", 251: "NoSuchTransaction",
        256: "TransactionCommitted", 257: "TransactionTooLarge", 262: "ExceededTimeLimit",
        263: "OperationNotSupportedInTransaction", 267: "PreparedTransactionInProgress",
        279: "ClientDisconnect", 290: "TransactionExceededLifetimeLimitSeconds",
        9001: "SocketException", 10107: "NotWritablePrimary", 10334: "BSONObjectTooLarge",
        11000: "DuplicateKey", 11600: "InterruptedAtShutdown", 11601: "Interrupted",
        11602: "InterruptedDueToReplStateChange", 13297: "DatabaseDifferCase",
        13435: "NotPrimaryNoSecondaryOk", 13436: "NotPrimaryOrSecondary", 14031: "OutOfDiskSpace",
        16500: "InternalErrorNotSupported", 17280: "KeyTooLong",
    ]
}
