import Foundation
import Mongo

/// An input file read and parsed as Extended JSON, or the located reason it could not be.
struct InputText {
    let file: String
    let bytes: [UInt8]
    let value: BSON
    /// The reader found no key written twice in one object (false: not checked).
    var keysAreDistinct = false

    /// Reads `file` and parses it as one JSON object or array.
    static func read(_ file: String) throws(ValidationError) -> InputText {
        let bytes = try readBytes(file)
        do {
            let (value, keysAreDistinct) = try ExtendedJSON.parseValueNotingKeys(bytes)
            return InputText(file: file, bytes: bytes, value: value, keysAreDistinct: keysAreDistinct)
        } catch {
            throw ValidationError(file: file, line: error.line, column: error.column, message: error.message)
        }
    }

    /// `file` read as one JSON object, for a loader: `kind` says what it should be ("a
    /// scenario", "a migration") when it is an array.
    static func object(of file: String, kind: String) throws(ValidationFailure) -> (document: BSONDocument, input: InputText) {
        do {
            let input = try read(file)
            return (try input.object(kind), input)
        } catch {
            throw ValidationFailure([error])
        }
    }

    /// Where each path of the text starts, for messages.
    var sourceMap: SourceMap {
        SourceMap(bytes, keysAreDistinct: keysAreDistinct)
    }

    /// The file's top-level object; `kind` says what it should have been when it is an
    /// array: "a scenario", "a migration".
    func object(_ kind: String) throws(ValidationError) -> BSONDocument {
        guard let document = value.documentValue else {
            throw ValidationError(file: file, line: 1, column: 1, message: "expected \(kind) (a JSON object), got a JSON array")
        }
        return document
    }

    static func readBytes(_ file: String) throws(ValidationError) -> [UInt8] {
        // What the path is, before opening it: a FIFO would block the read, a device
        // would stream forever.
        var status = stat()
        guard stat(file, &status) == 0 else {
            let reason = errno == ENOENT ? "no such file" : "cannot be read: " + String(cString: strerror(errno))
            throw ValidationError(file: file, message: reason)
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw ValidationError(file: file, message: "is a directory, expected a JSON file")
        case S_IFIFO: throw ValidationError(file: file, message: "is a named pipe (FIFO), expected a JSON file")
        case S_IFCHR, S_IFBLK: throw ValidationError(file: file, message: "is a device, expected a JSON file")
        case S_IFSOCK: throw ValidationError(file: file, message: "is a socket, expected a JSON file")
        default: throw ValidationError(file: file, message: "is not a regular file, expected a JSON file")
        }
        guard access(file, R_OK) == 0 else {
            throw ValidationError(file: file, message: "cannot be read: " + String(cString: strerror(errno)))
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError(file: file, message: "cannot be read")
        }
        return [UInt8](data)
    }

    /// Documents from a fixture file: a JSON array of documents, or NDJSON with one
    /// document per line — `mongoexport`'s two output shapes.
    /// Why a document whose `_id` an earlier one has is refused.
    static func repeated(_ id: BSON, earlier: String) -> String {
        "_id \(id.extendedJSON(.relaxed)) is also the _id of the document \(earlier): the server would refuse this one; give each document its own _id"
    }

    static func documents(_ file: String) throws(ValidationFailure) -> [BSONDocument] {
        let bytes: [UInt8]
        do { bytes = try readBytes(file) } catch { throw ValidationFailure([error]) }
        let start = bytes.starts(with: JSONBytes.byteOrderMark) ? 3 : 0
        let first = bytes[start...].first { !JSONBytes.isWhitespace($0) }
        if first == UInt8(ascii: "[") {
            let value: BSON
            do { value = try ExtendedJSON.parseValue(bytes) } catch {
                throw ValidationFailure([ValidationError(file: file, line: error.line, column: error.column, message: error.message)])
            }
            var documents: [BSONDocument] = []
            let diagnostics = Diagnostics(file: file, sourceMap: SourceMap(bytes))
            for (index, element) in (value.arrayValue ?? []).enumerated() {
                if let document = element.documentValue {
                    documents.append(document)
                } else {
                    diagnostics.error(JSONPath.root.index(index), "expected a document, got \(Diagnostics.describe(element))")
                }
            }
            for (index, earlier, id) in DuplicateIDs.find(in: documents) {
                diagnostics.error(JSONPath.root.index(index), Self.repeated(id, earlier: "at [\(earlier)]"))
            }
            if !diagnostics.errors.isEmpty { throw ValidationFailure(diagnostics.errors) }
            return documents
        }
        var documents: [BSONDocument] = []
        var lines: [Int] = []
        var errors: [ValidationError] = []
        var lineNumber = 0
        for line in bytes[start...].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { !JSONBytes.isWhitespace($0) }) else { continue }
            do {
                documents.append(try ExtendedJSON.parseDocument(Array(line)))
                lines.append(lineNumber)
            } catch {
                errors.append(ValidationError(file: file, line: lineNumber, column: error.column, message: error.message + " (NDJSON: one document per line)"))
                if errors.count >= 20 { break }
            }
        }
        for (index, earlier, id) in DuplicateIDs.find(in: documents) {
            errors.append(ValidationError(file: file, line: lines[index], column: 1, message: Self.repeated(id, earlier: "on line \(lines[earlier])")))
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return documents
    }
}
