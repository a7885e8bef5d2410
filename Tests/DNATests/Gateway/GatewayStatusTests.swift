import DNANetwork
import Testing

@testable import DNA

@Suite("The gateway's statuses")
struct GatewayStatusTests {
    @Test(
        "each error code answers with the status a client can act on",
        arguments: [
            (DNAError.Code.badRequest, 400), (.decodingFailed, 400), (.unknownActorType, 404),
            (.limitExceeded, 413), (.timedOut, 504), (.draining, 503), (.notServing, 503), (.nodeUnreachable, 503),
            (.placementFailed, 503), (.storeUnavailable, 503), (.stopped, 503), (.flushFailed, 503), (.fenced, 503),
            (.handlerFailed, 500), (.activationFailed, 500), (.restartLimitExceeded, 500), (.corruptData, 500),
            (.internal, 500),
        ]
    )
    func statuses(code: DNAError.Code, status: Int) {
        #expect(GatewayResponse.status(for: code).code == status, "\(code.rawValue)")
    }

    @Test("the error body names the code and the message")
    func body() throws {
        let response = GatewayResponse.error(DNAError(.flushFailed, "the store is down"))
        #expect(response.status.code == 503)
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(text == #"{"error":{"code":"flush_failed","message":"the store is down"}}"#)
    }
}
