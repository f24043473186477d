import Foundation
import Mongo

/// One `http` step: the request sent, its reply the result `{status, headers, json, body}`.
/// Credentials in headers (`Authorization`, cookies, tokens) are learnt as secrets before
/// anything is logged, so every output masks them.
enum HTTPStepRunner {
    static func run(_ http: HTTPStep, step: Step, _ environment: StepEnvironment) throws {
        var title: String { step.title }
        let scope = environment.scope
        let url = try ProgramContext.filledURL(http.url, scope)
        var headers = try ProgramContext.strings(http.headers.elements.map { ($0.key, $0.value) }, scope, what: "\(title): header")
        headers.forEach(learnIfSecret)
        var body: [UInt8]?
        switch http.body {
        case .json(let value)?:
            body = Array(try Substitution.apply(value, scope).extendedJSON(.relaxed).utf8)
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { headers.append(("Content-Type", "application/json")) }
        case .text(let value)?:
            body = Array(try ProgramContext.strings([("body", value)], scope, what: "\(title):")[0].1.utf8)
        case nil:
            break
        }
        let sent = body
        environment.log.append(.deferred { "  → \(http.method) \(url)" + (sent.map { "\n    " + ProgramResult.shown(String(decoding: $0, as: UTF8.self)) } ?? "") })
        let started = Date()
        let response: HTTPClient.Response
        do {
            response = try HTTPClient.send(method: http.method, url: url, headers: headers, body: body, timeoutMS: http.timeoutMS)
        } catch {
            throw RunFailure.failed(TestProblem(type: "http", message: "\(title): \(http.method) \(url): \(error)"))
        }
        response.headers.forEach { learnIfSecret(($0.name, $0.value)) }
        var headerDocument = BSONDocument()
        for (name, value) in response.headers {
            // A repeated header is one value, as HTTP allows: joined with ", ".
            if let earlier = headerDocument[name]?.stringValue { headerDocument[name] = .string(earlier + ", " + value) } else { headerDocument.append(name, .string(value)) }
        }
        let text = String(decoding: response.body, as: UTF8.self)
        var result: BSONDocument = ["status": .int32(Int32(response.status)), "headers": .document(headerDocument)]
        if let json = ProgramResult.json(text) { result.append("json", json) }
        result.append("body", .string(text))
        let elapsed = Date().timeIntervalSince(started)
        environment.log.append(.deferred { "  ← \(response.status) in \(FixedPoint.text(elapsed, places: 3)) s\n    " + ProgramResult.shown(text) })
        if !(200...399).contains(response.status), http.expect?.documentValue?["status"] == nil {
            throw RunFailure.failed(TestProblem(
                type: "http",
                message: "\(title): answered \(response.status)" + (text.isEmpty ? "" : ": " + String(text.prefix(300))),
                details: "request: \(http.method) \(url)\nreply: \(ProgramResult.shown(text))"))
        }
        try ProgramResult.check(http.expect, result, title: title, scope: scope)
        try http.save?.keep(.document(result), title: title, in: scope)
    }

    /// Header names that carry credentials: their values are secrets.
    static func isSecretHeader(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"].contains(lowered)
            || lowered.contains("auth") || lowered.contains("session") || lowered.contains("key") || Redaction.isSensitive(lowered)
    }

    private static func learnIfSecret(_ header: (String, String)) {
        guard isSecretHeader(header.0), !header.1.isEmpty else { return }
        SecretValues.shared.add(header.1)
        // `Bearer abc`: the credential alone, wherever it is quoted without its scheme.
        if let credential = header.1.split(separator: " ").last, credential.count >= 6 { SecretValues.shared.add(String(credential)) }
        // `session=abc; Path=/`: each cookie's value.
        for part in header.1.split(separator: ";") {
            if let equals = part.firstIndex(of: "="), part.distance(from: equals, to: part.endIndex) > 6 {
                SecretValues.shared.add(String(part[part.index(after: equals)...]).trimmingCharacters(in: .whitespaces))
            }
        }
    }
}
