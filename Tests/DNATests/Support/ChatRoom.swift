import DNA

/// The example of the design brief, as a user would write it.
final class ChatRoom: DurableActor {
    static let type: ActorType = "chat.room"

    enum Message: Codable, Sendable {
        case post(author: String, text: String)
        case history(limit: Int)
    }

    enum Reply: Codable, Sendable, Equatable {
        case posted(seq: Int)
        case messages([String])
    }

    private let log: KeyValueStorage
    private var seq = 0

    init(context: ActorContext) async throws {
        log = context.keyValue("log")
        seq = try await log.get("seq", as: Int.self) ?? 0
    }

    func receive(_ message: Message, context: MessageContext) async throws -> Reply {
        switch message {
        case let .post(author, text):
            seq += 1
            try log.set("msg/\(seq)", to: "\(author): \(text)")
            try log.set("seq", to: seq)
            return .posted(seq: seq)
        case let .history(limit):
            return .messages(try await log.list(prefix: "msg/", limit: limit).map(\.value))
        }
    }
}
