import Foundation
import GraphQL

/// A bounded least-recently-used cache of admitted documents.
///
/// Bounded in count and in the size of what it keeps: a query longer than `maxQueryBytes`
/// (real clients send a few KB) is admitted every time instead, so a thousand distinct 1 MB
/// queries cannot pin a gigabyte of documents.
final class DocumentCache: @unchecked Sendable {
    static let maxQueryBytes = 32 * 1024
    private let capacity: Int
    private let lock = NSLock()
    private var entries: [String: (document: AdmittedDocument, lastUse: UInt64)] = [:]
    private var tick: UInt64 = 0
    private(set) var hits = 0
    private(set) var misses = 0

    init(capacity: Int = 1000) { self.capacity = capacity }

    func document(for query: String, admit: () -> AdmittedDocument) -> AdmittedDocument {
        if let cached = lookup(query) { return cached }
        let admitted = admit()
        if query.utf8.count <= Self.maxQueryBytes { store(query, admitted) }
        return admitted
    }

    var count: Int { lock.withLock { entries.count } }

    var counts: (hits: Int, misses: Int) { lock.withLock { (hits, misses) } }

    private func lookup(_ query: String) -> AdmittedDocument? {
        lock.withLock {
            tick += 1
            guard let entry = entries[query] else {
                misses += 1
                return nil
            }
            hits += 1
            entries[query]?.lastUse = tick
            return entry.document
        }
    }

    private func store(_ query: String, _ document: AdmittedDocument) {
        lock.withLock {
            if entries.count >= capacity { evictOldestQuarter() }
            entries[query] = (document, tick)
        }
    }

    private func evictOldestQuarter() {
        let victims = entries.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(max(1, capacity / 4))
        for victim in victims { entries[victim.key] = nil }
    }
}
