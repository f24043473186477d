/// A BSON document: key/value pairs in exactly the order they were written.
///
/// Order matters to MongoDB (sort specs, index keys, the command name first), so this is
/// a list, not a dictionary. Lookups are linear, which is fine at document sizes.
public struct BSONDocument: Sendable, Hashable {
    public private(set) var elements: [(key: String, value: BSON)]

    public init() {
        elements = []
    }

    public init(_ elements: [(String, BSON)]) {
        self.elements = elements.map { (key: $0.0, value: $0.1) }
    }

    /// Adopts `elements` as they are, without the copy the labelled form needs.
    init(elements: [(key: String, value: BSON)]) {
        self.elements = elements
    }

    public var count: Int { elements.count }
    public var isEmpty: Bool { elements.isEmpty }
    public var keys: [String] { elements.map(\.key) }
    public var values: [BSON] { elements.map(\.value) }

    /// The first value under `key`; setting replaces it in place, or appends a new key.
    /// Setting `nil` removes the key.
    public subscript(key: String) -> BSON? {
        get { elements.first { $0.key == key }?.value }
        set {
            let index = elements.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): elements[index].value = value
            case (let index?, nil): elements.remove(at: index)
            case (nil, let value?): elements.append((key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Replaces the value of the element at `index`, keeping its key and place (the first
    /// of two equal keys is not the second).
    public mutating func replaceValue(at index: Int, with value: BSON) {
        elements[index].value = value
    }

    /// Room for `count` elements in all, so appending that many copies nothing.
    public mutating func reserveCapacity(_ count: Int) {
        elements.reserveCapacity(count)
    }

    /// Appends even when the key exists already, as BSON allows.
    public mutating func append(_ key: String, _ value: BSON) {
        elements.append((key: key, value: value))
    }

    /// Puts `key` first, replacing any existing value under it.
    public mutating func prepend(_ key: String, _ value: BSON) {
        elements.removeAll { $0.key == key }
        elements.insert((key: key, value: value), at: 0)
    }

    public func contains(_ key: String) -> Bool {
        elements.contains { $0.key == key }
    }

    /// Same keys in the same order with equal values (see `BSON ==`). Key order matters:
    /// MongoDB treats `{a: 1, b: 1}` and `{b: 1, a: 1}` as different documents.
    public static func == (lhs: BSONDocument, rhs: BSONDocument) -> Bool {
        lhs.elements.count == rhs.elements.count
            && zip(lhs.elements, rhs.elements).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for element in elements {
            hasher.combine(element.key)
            hasher.combine(element.value)
        }
    }
}

extension BSONDocument: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, BSON)...) {
        self.init(elements)
    }
}

extension BSONDocument: Sequence {
    public func makeIterator() -> IndexingIterator<[(key: String, value: BSON)]> {
        elements.makeIterator()
    }
}
