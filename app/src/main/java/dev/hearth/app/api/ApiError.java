package dev.hearth.app.api;

/** A request the API refuses, answered as OpenAI does: {@code {"error":{"message","type","code"}}} with an HTTP status. */
final class ApiError extends Exception {
    final int status;
    final String type;
    final String code;

    ApiError(int status, String type, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
    }

    static ApiError invalid(String code, String message) {
        return new ApiError(400, "invalid_request_error", code, message);
    }
}
