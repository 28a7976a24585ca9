import BoxEmulator
print("box-emulator")
