import Foundation
import PoolDomain

/// A token's scope in `api_tokens`: `read_only` (0 or 1) and `pool_ids`, a JSON array of pool
/// ids, or NULL for a token not limited to pools.
enum TokenScopeColumns {
    static func encode(_ pools: Set<PoolID>?) -> String? {
        pools.map { "[" + $0.map(\.rawValue).sorted().map(String.init).joined(separator: ",") + "]" }
    }

    static func decode(readOnly: Bool, pools text: String?) -> TokenScope {
        let pools = text.map { text -> Set<PoolID> in
            let ids = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [NSNumber] ?? []
            return Set(ids.map { PoolID($0.int64Value) })
        }
        return TokenScope(readOnly: readOnly, pools: pools)
    }

    /// The audit record of a new token: its label, expiry and scope.
    static func describe(_ token: TokenInfo) -> String {
        var fields = ["\"label\":" + (token.label.map(AuditText.json) ?? "null")]
        fields.append("\"expiresAt\":" + (token.expiresAt.map { String(Timestamp.encode($0)) } ?? "null"))
        fields.append("\"readOnly\":\(token.scope.readOnly)")
        fields.append("\"pools\":" + (encode(token.scope.pools) ?? "null"))
        return "{" + fields.joined(separator: ",") + "}"
    }
}
