import Mongo

/// Compares a document before and after a migration step and names every difference the
/// declared changes do not allow: values compared as stored bytes (an int32 that became
/// an int64 has changed), and key order kept wherever nothing was declared.
///
/// A declared path allows what it was declared for (`adds`: absent before, present
/// after; `removes`: the reverse; `changes`: a new value) at that field and everything
/// inside it. Inside a document that holds declared fields, the other fields must keep
/// their values and their order among themselves; the declared ones may come and go.
struct DocumentComparison {
    /// What `changes` allows; nil when nothing may change (idempotence, `down`).
    let allowance: FieldAllowance?

    func differences(_ before: BSONDocument, _ after: BSONDocument) -> [FieldChange] {
        var found: [FieldChange] = []
        documents(before, after, at: [], allowance, into: &found)
        if found.isEmpty && allowance == nil && !before.isIdentical(to: after) {
            found.append(FieldChange(path: [], kind: .unexplained))
        }
        return found
    }

    private func documents(
        _ before: BSONDocument, _ after: BSONDocument, at path: [String], _ node: FieldAllowance?, into found: inout [FieldChange]
    ) {
        var keys = before.keys
        for key in after.keys where !before.contains(key) { keys.append(key) }
        for key in keys {
            value(before[key], after[key], at: path + [key], node?.children[key], into: &found)
        }
        // Declared fields may appear or move; the rest keep their order among themselves.
        let undeclared = { (key: String) in node?.children[key]?.kinds.isEmpty ?? true }
        let kept = { (document: BSONDocument, other: BSONDocument) in
            document.keys.filter { undeclared($0) && other.contains($0) }
        }
        let (orderBefore, orderAfter) = (kept(before, after), kept(after, before))
        if orderBefore != orderAfter {
            found.append(FieldChange(path: path, kind: .keyOrder(from: orderBefore, to: orderAfter)))
        }
    }

    private func value(_ before: BSON?, _ after: BSON?, at path: [String], _ node: FieldAllowance?, into found: inout [FieldChange]) {
        if let node, !node.kinds.isEmpty {
            declared(before, after, at: path, node, into: &found)
            return
        }
        switch (before, after) {
        case (nil, nil):
            return
        case (nil, let added?):
            found.append(FieldChange(path: path, kind: .added(added)))
        case (let removed?, nil):
            found.append(FieldChange(path: path, kind: .removed(removed)))
        case (let before?, let after?):
            changed(before, after, at: path, node, into: &found)
        }
    }

    /// Both present: the same bytes, or the differences inside them, as deep as they go.
    private func changed(_ before: BSON, _ after: BSON, at path: [String], _ node: FieldAllowance?, into found: inout [FieldChange]) {
        if before.isIdentical(to: after) { return }
        switch (before, after) {
        case (.document(let x), .document(let y)):
            documents(x, y, at: path, node, into: &found)
        case (.array(let x), .array(let y)) where x.count == y.count:
            for index in x.indices {
                let element = node?.element(index)
                value(x[index], y[index], at: path + [String(index)], element, into: &found)
            }
        default:
            found.append(FieldChange(path: path, kind: .changed(from: before, to: after)))
        }
    }

    /// A declared field: allowed when what happened is what it was declared for; inside a
    /// field declared only for other kinds, the fields declared deeper still count.
    private func declared(_ before: BSON?, _ after: BSON?, at path: [String], _ node: FieldAllowance, into found: inout [FieldChange]) {
        let note = "\"changes\" declares \(path.joined(separator: ".")) in \(node.declaredAs) only"
        switch (before, after) {
        case (nil, nil):
            return
        case (nil, let added?):
            if !node.kinds.contains(.add) { found.append(FieldChange(path: path, kind: .added(added), note: note)) }
        case (let removed?, nil):
            if !node.kinds.contains(.remove) { found.append(FieldChange(path: path, kind: .removed(removed), note: note)) }
        case (let before?, let after?):
            if node.kinds.contains(.change) || before.isIdentical(to: after) { return }
            if node.children.isEmpty {
                found.append(FieldChange(path: path, kind: .changed(from: before, to: after), note: note))
            } else {
                changed(before, after, at: path, FieldAllowance(children: node.children), into: &found)
            }
        }
    }
}
