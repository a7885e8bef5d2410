import Testing

@testable import DNACommand

@Suite("Demo: the ready line of dna serve")
struct ReadyLineTests {
    @Test("the three fields are read in any order")
    func parse() {
        let line = ReadyLine("ready http=127.0.0.1:8080 node=17-ab listen=127.0.0.1:7000")

        #expect(line == ReadyLine("ready node=17-ab listen=127.0.0.1:7000 http=127.0.0.1:8080"))
        #expect(line?.node == "17-ab")
        #expect(line?.listen == "127.0.0.1:7000")
        #expect(line?.http == "127.0.0.1:8080")
    }

    @Test("other lines, and ready lines missing a field, are not ready lines")
    func reject() {
        #expect(ReadyLine("starting node=1 listen=a:1 http=b:2") == nil)
        #expect(ReadyLine("ready node=1 listen=a:1") == nil)
        #expect(ReadyLine("ready node= listen=a:1 http=b:2") == nil)
        #expect(ReadyLine("") == nil)
    }
}
