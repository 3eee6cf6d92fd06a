import NovaKitServer

await NovaKitMain.main()
