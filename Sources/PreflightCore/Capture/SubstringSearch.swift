/// Finds which of many byte strings occurs inside a text, in one pass over the text
/// (Aho–Corasick): a capture of 10,000 customers redacts 10,000 e-mail addresses, and
/// every string of every captured document is searched for all of them, which one
/// `contains` per pair would make quadratic.
struct SubstringSearch {
    /// The trie of the patterns: node 0 is the root; each node's children by next byte.
    private var children: [[UInt8: Int32]] = [[:]]
    /// Where to continue when a byte has no child: the node of the longest proper suffix
    /// of the text read so far that is also a prefix of some pattern.
    private var fallback: [Int32] = [0]
    /// A pattern that ends at this node, or at a node reached by following `fallback`.
    private var ending: [Int32] = [-1]

    /// - Parameter patterns: non-empty byte strings; a match names one by its position.
    init(_ patterns: [[UInt8]]) {
        for (index, pattern) in patterns.enumerated() where !pattern.isEmpty {
            var node = 0
            for byte in pattern {
                if let next = children[node][byte] {
                    node = Int(next)
                } else {
                    children.append([:])
                    fallback.append(0)
                    ending.append(-1)
                    children[node][byte] = Int32(children.count - 1)
                    node = children.count - 1
                }
            }
            if ending[node] < 0 { ending[node] = Int32(index) }
        }
        // Breadth first, so a node's fallback, which is shallower, is always set before it is used.
        var queue = children[0].values.map(Int.init)
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for (byte, child) in children[node] {
                let child = Int(child)
                var candidate = Int(fallback[node])
                while candidate != 0 && children[candidate][byte] == nil { candidate = Int(fallback[candidate]) }
                let target = node == 0 ? 0 : Int(children[candidate][byte] ?? 0)
                fallback[child] = Int32(target)
                if ending[child] < 0 { ending[child] = ending[target] }
                queue.append(child)
            }
        }
    }

    /// The position of a pattern that occurs in `text`, or nil.
    func firstMatch(in text: some Sequence<UInt8>) -> Int? {
        var node = 0
        for byte in text {
            while node != 0 && children[node][byte] == nil { node = Int(fallback[node]) }
            node = Int(children[node][byte] ?? 0)
            if ending[node] >= 0 { return Int(ending[node]) }
        }
        return nil
    }
}
