/// The reason phrase Keystone and Glance put in their error bodies' `title`.
package enum StatusTitle {
    package static func of(_ code: Int) -> String {
        switch code {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Request Entity Too Large"
        case 415: "Unsupported Media Type"
        case 501: "Not Implemented"
        default: "Internal Server Error"
        }
    }
}
