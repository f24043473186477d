import XCTest

@testable import Mongo

/// The registry of values known to be secret, and how it masks them in text.
final class SecretValuesTests: XCTestCase {
    func testALongSecretIsMaskedWhereverItAppears() {
        let secrets = SecretValues()
        secrets.add("hunter2-pa55")
        XCTAssertEqual(secrets.mask("got hunter2-pa55, then xhunter2-pa55y"), "got <redacted>, then x<redacted>y")
        XCTAssertEqual(secrets.maskValue("hunter2-pa55"), "<redacted>")
        XCTAssertEqual(secrets.mask("nothing here"), "nothing here")
    }

    /// As a bare substring, a three-letter password would mask ordinary words: it is
    /// masked as a whole value and where it stands quoted.
    func testAShortSecretIsMaskedOnlyWholeOrQuoted() {
        let secrets = SecretValues()
        secrets.add("q7z")
        XCTAssertEqual(secrets.mask(#"expected "a", got ["q7z","b"]"#), #"expected "a", got ["<redacted>","b"]"#)
        XCTAssertEqual(secrets.mask("q7zebra"), "q7zebra")
        XCTAssertEqual(secrets.maskValue("q7z"), "<redacted>")
        XCTAssertEqual(secrets.maskValue("q7zebra"), "q7zebra")
    }

    func testASecretIsMaskedAsJSONEscapesIt() {
        let secrets = SecretValues()
        secrets.add(#"pa"ss\word"#)
        XCTAssertEqual(secrets.mask(#"{"note":"pa\"ss\\word"}"#), #"{"note":"<redacted>"}"#)
    }

    /// Longest first, and no masking of the mask itself.
    func testOverlappingSecretsAndThePlaceholder() {
        let secrets = SecretValues()
        secrets.add("abcdef")
        secrets.add("abcdefgh")
        secrets.add("redacted")
        secrets.add("")
        XCTAssertEqual(secrets.mask("abcdefghij abcdefxy"), "<redacted>ij <redacted>xy")
        XCTAssertEqual(secrets.mask("<redacted>"), "<redacted>")
    }

    func testAFragmentIsMaskedHoweverShort() {
        let secrets = SecretValues()
        secrets.addFragment("cd@")
        XCTAssertEqual(secrets.mask("Failed to resolve cd@127.0.0.1"), "Failed to resolve <redacted>127.0.0.1")
    }

    /// The messages libmongoc writes about strings it splits at an unencoded separator.
    func testAConnectionStringsPasswordAndItsPiecesAreMasked() {
        let cases: [(uri: String, message: String, leaks: [String])] = [
            ("mongodb://alice:p?ss@passw0rd@127.0.0.1:1/", "Failed to resolve passw0rd@127.0.0.1", ["passw0rd"]),
            ("mongodb://alice:ab@cd@127.0.0.1:1/", "Failed to resolve cd@127.0.0.1", ["cd@"]),
            ("mongodb://alice:S3cr/etPassw0rd@h/", "Invalid host alice:S3cr; database etPassw0rd@h", ["S3cr", "etPassw0rd"]),
            ("mongodb://alice:Enc%2Fpass%40word@h/", "password Enc/pass@word or Enc%2Fpass%40word", ["Enc"]),
            ("mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN:t0ken-abc", "token t0ken-abc", ["t0ken"]),
        ]
        for (uri, message, leaks) in cases {
            let secrets = SecretValues()
            secrets.addCredentials(of: uri)
            let masked = secrets.mask(message)
            for leak in leaks { XCTAssertFalse(masked.contains(leak), "\(uri): \(masked)") }
        }
    }

    func testConcurrentLearningAndMasking() {
        let secrets = SecretValues()
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            secrets.add("secret-value-\(index)")
            _ = secrets.mask("text with secret-value-\(index / 2)")
        }
        XCTAssertEqual(secrets.mask("secret-value-199"), "<redacted>")
    }
}
