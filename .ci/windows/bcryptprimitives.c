/* A stand-in for Windows' bcryptprimitives.dll, for running entramap under Wine in CI only.
 * Rust's standard library imports ProcessPrng from it (Windows 10 and later have it); Wine 8
 * does not. This one fills the buffer from RtlGenRandom (advapi32's SystemFunction036), which
 * Wine has. Never shipped: release binaries use the system's DLL. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG part = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, part))
            return FALSE;
        data += part;
        length -= part;
    }
    return TRUE;
}
