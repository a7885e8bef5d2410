/// One check of the demo: a stable name for machines, a sentence for people, and whether it passed.
struct DemoCheck: Equatable, Sendable {
    var name: String
    var passed: Bool
    var text: String
}
