import Mongo

extension CaptureScenarioWriter {
    /// Reads `text` back the way `preflight check` and `preflight run` will, so a capture
    /// never writes a file they reject or read differently: no document the fixture
    /// loader could not insert (`insertProblem`) or with a `$$` key (the format's
    /// operators), every document and the filter equal to what was captured once parsed
    /// again, and the whole file accepted by `ScenarioLoader`.
    /// - Parameter file: where the text will be written; the loader resolves paths from it.
    /// - Throws: `CaptureError.cannotReplay` naming the document.
    func verify(_ text: String, as file: String) throws(CaptureError) {
        for fixture in fixtures {
            for (index, document) in fixture.documents.enumerated() {
                if let problem = Self.insertProblem(in: document) {
                    throw .cannotReplay("""
                        \(Self.describe(document, index, fixture.collection)) \(problem): the scenario could not insert it \
                        into the sandbox. Narrow --filter or the --follow rules to leave it out.
                        """)
                }
                if let key = CaptureRequest.operatorKey(in: .document(document)) {
                    throw .cannotReplay("""
                        \(Self.describe(document, index, fixture.collection)) has a field named "\(key)": scenario files \
                        read keys starting with $$ as their own operators, so it would not be loaded as it is. Narrow \
                        --filter or the --follow rules to leave it out.
                        """)
                }
                if (try? ExtendedJSON.parseDocument(document.extendedJSON(.canonical))) != document {
                    throw .cannotReplay("""
                        \(Self.describe(document, index, fixture.collection)) does not read back as it was written: a \
                        field name starting with $ (such as "$date" or "$oid") reads as an Extended JSON type. A scenario \
                        cannot hold it as it is; narrow --filter or the --follow rules to leave it out.
                        """)
                }
            }
        }
        let bytes = Array(text.utf8)
        let parsed: BSONDocument
        do {
            parsed = try ExtendedJSON.parseDocument(bytes)
        } catch {
            throw .cannotReplay("The scenario text Preflight made is not valid JSON (\(error)); this is a bug in Preflight.")
        }
        let step = parsed["tests"]?.arrayValue?.first?.documentValue?["steps"]?.arrayValue?.first?.documentValue
        if step?["filter"] != .document(filter) {
            throw .cannotReplay("The filter does not read back from Extended JSON as it was given, so the replay would run another query.")
        }
        do {
            _ = try ScenarioLoader().load(parsed, file: file, bytes: bytes)
        } catch {
            throw .cannotReplay("The scenario would not load:\n\(error.errorDescription ?? "")\n")
        }
    }

    /// `Document 3 captured from orders (_id "o-3")`, with the `_id` as written (redacted).
    private static func describe(_ document: BSONDocument, _ index: Int, _ collection: String) -> String {
        "Document \(index + 1) captured from \(collection) (_id \((document["_id"] ?? .null).extendedJSON(.relaxed).clipped(to: 80)))"
    }
}
