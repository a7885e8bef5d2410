import DNA
import Foundation
import Testing

@Suite("The design brief's example")
struct ExampleTests {
    @Test("a chat room posts, casts and lists its history on SQLite")
    func chatRoom() async throws {
        let directory = try TemporaryDirectory()
        let node = try await Node.start(
            Node.Configuration(store: .sqlite(path: directory.path("dna.db"))),
            actorTypes: [ChatRoom.self]
        )
        let lobby = node.actor(ChatRoom.self, key: "lobby")

        let reply = try await lobby.call(.post(author: "ann", text: "hi"))
        lobby.cast(.post(author: "bob", text: "hello"))
        let history = try await lobby.call(.history(limit: 10))

        #expect(reply == .posted(seq: 1))
        #expect(history == .messages(["ann: hi", "bob: hello"]))
        await node.shutdown()
    }
}
