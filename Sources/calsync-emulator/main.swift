print("calsync-emulator")
