/// One actor of the demo's workload: a built-in actor type and a key.
struct DemoActor: Hashable, Sendable, CustomStringConvertible {
    enum Kind: String, Sendable {
        case counter
        case kv
    }

    var kind: Kind
    var key: String

    var description: String { "\(kind.rawValue)/\(key)" }

    /// `count` counters and `count` kv maps, interleaved so that consecutive actors differ in type.
    static func workload(count: Int) -> [DemoActor] {
        (0..<count).flatMap { index in
            [DemoActor(kind: .counter, key: "demo-\(index)"), DemoActor(kind: .kv, key: "demo-\(index)")]
        }
    }
}
