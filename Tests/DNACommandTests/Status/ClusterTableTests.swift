import DNANetwork
import Testing

@testable import DNACommand

@Suite("dna status: the cluster table")
struct ClusterTableTests {
    /// A body as a node's gateway writes it: keys sorted, one node dead.
    private static let body = """
        {"cluster":"demo","node":"1796353166405-0dec0379b50ec067","nodes":[\
        {"address":"127.0.0.1:42575","alive":true,"draining":false,"http":"127.0.0.1:38431",\
        "id":"1796353166405-0dec0379b50ec067","load":3,"resident_actors":1250,"this":true},\
        {"address":"127.0.0.1:4","alive":false,"draining":true,"http":"",\
        "id":"1796353166406-574a6d83ea539b35","load":12,"resident_actors":7,"this":false}],"phase":"serving"}
        """

    @Test("one aligned row per node under a header, the asked node marked")
    func table() throws {
        let view = try ClusterView.decode(Array(Self.body.utf8))
        let lines = ClusterTable.render(view).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

        #expect(lines[0] == "cluster demo: 2 nodes, 1 alive (asked 1796353166405-0dec0379b50ec067, serving)")
        #expect(
            lines[2]
                == "   NODE                            TRANSPORT        HTTP             ALIVE  DRAINING  LOAD  ACTORS"
        )
        #expect(
            lines[3]
                == "*  1796353166405-0dec0379b50ec067  127.0.0.1:42575  127.0.0.1:38431  yes    no           3    1250"
        )
        #expect(
            lines[4]
                == "   1796353166406-574a6d83ea539b35  127.0.0.1:4      -                no     yes         12       7"
        )
        #expect(lines.last == "* the node that answered")
    }

    @Test("columns line up whatever the widths of the cells")
    func alignment() throws {
        let view = try ClusterView.decode(Array(Self.body.utf8))
        let rows = ClusterTable.render(view).split(separator: "\n").dropFirst().prefix(3)

        // Every row ends at the same column: the numbers are right-aligned to the header's end.
        #expect(Set(rows.map(\.count)).count == 1)
        let header = try #require(rows.first)
        for column in ["TRANSPORT", "HTTP", "ALIVE"] {
            let title = try #require(header.range(of: column))
            let offset = header.distance(from: header.startIndex, to: title.lowerBound)
            for row in rows.dropFirst() {
                let index = row.index(row.startIndex, offsetBy: offset)
                #expect(row[row.index(before: index)] == " " && row[index] != " ")
            }
        }
    }

    @Test("a body that is not JSON, or lacks a field, is refused with a reason")
    func garbage() {
        #expect(throws: ClusterViewError("the body is not JSON")) {
            try ClusterView.decode(Array("<html>".utf8))
        }

        let missing = Self.body.replacingOccurrences(of: #""load":12,"#, with: "")
        #expect(throws: ClusterViewError("the field nodes[1].load is missing")) {
            try ClusterView.decode(Array(missing.utf8))
        }

        let wrongType = Self.body.replacingOccurrences(of: #""alive":true"#, with: #""alive":"yes""#)
        #expect(throws: ClusterViewError("the field nodes[0].alive has the wrong type")) {
            try ClusterView.decode(Array(wrongType.utf8))
        }
    }

    @Test("an error answer names the gateway's code; garbage names what came")
    func errorAnswers() {
        let unavailable = Array(#"{"error":{"code":"not_ready","message":"the node is starting"}}"#.utf8)
        #expect(throws: StatusError("the node at h:1 answered status 503, not_ready: the node is starting")) {
            try StatusCommand.view(status: 503, body: unavailable, from: "h:1")
        }

        #expect(throws: StatusError("the node at h:1 answered status 404, http_404: <p>no such page</p>")) {
            try StatusCommand.view(status: 404, body: Array("<p>no such\n  page</p>".utf8), from: "h:1")
        }

        #expect(throws: StatusError("the node at h:1 did not answer with a cluster view: the body is not JSON")) {
            try StatusCommand.view(status: 200, body: Array("{\"clu".utf8), from: "h:1")
        }
    }

    @Test("no answer: nobody listening, or something that does not speak HTTP")
    func noAnswer() {
        let refused = NetworkError(code: .connectionFailed, message: "cannot connect to h:1")
        let garbage = NetworkError(code: .malformed, message: "malformed status line")

        #expect(
            StatusCommand.failure(refused, from: "h:1").description
                == "cannot reach a node at h:1: cannot connect to h:1"
        )
        #expect(
            StatusCommand.failure(garbage, from: "h:1").description
                == "h:1 answered something that is not HTTP (malformed status line)"
        )
    }
}
