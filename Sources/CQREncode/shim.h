#include <qrencode.h>

/* One typed entry point: a NUL-terminated UTF-8 string in 8-bit mode, case kept, the smallest
   version that fits (0) at the given error-correction level. Same as `qrencode -l LEVEL` does. */
static inline QRcode *liandong_qr_encode_8bit(const char *text, int level) {
    return QRcode_encodeString(text, 0, (QRecLevel)level, QR_MODE_8, 1);
}
